# fish completion for lambda-cd (installed to share/fish/vendor_completions.d/lambda-cd.fish).
# Commands and options are read from lambda-cd's own help at completion time, so they never drift.
function __lambda_cd_words
    set -l tokens (commandline -opc)
    switch $tokens[-1]
        case --target
            printf '%s\n' local aws
            return
        case --output
            printf '%s\n' text json
            return
        case --runtime
            printf '%s\n' nodejs18.x nodejs20.x nodejs22.x
            return
    end
    set -l topic
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case --config --target --endpoint-url --profile --region --output
                set skip 1
            case '-*'
            case '*'
                if test (count $topic) -eq 0; or begin; test "$topic[1]" = stack; and test (count $topic) -eq 1; end
                    set -a topic $t
                end
        end
    end
    if test "$topic[1]" = help
        set -e topic[1]
    end
    $tokens[1] help $topic 2>/dev/null | awk '
        /^Subcommands:/ {s = 1; next} /^[^ ]/ {s = 0}
        s && /^  [a-z]/ {print $1; next}
        /^  -/ {n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i]}'
end
complete -c lambda-cd -f -a '(__lambda_cd_words)'
