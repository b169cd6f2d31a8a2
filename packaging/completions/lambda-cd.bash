# bash completion for lambda-cd (installed to share/bash-completion/completions/lambda-cd).
# Commands and options are read from lambda-cd's own help at completion time, so they never drift.
_lambda_cd_words() {  # $1.. = help topic; prints subcommands, then options
  "${_lambda_cd_bin:-lambda-cd}" help "$@" 2>/dev/null | awk '
    /^Subcommands:/ {sub_ = 1; next} /^[^ ]/ {sub_ = 0}
    sub_ && /^  [a-z]/ {print $1; next}
    /^  -/ {n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i]}'
}
_lambda_cd() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  _lambda_cd_bin=${COMP_WORDS[0]}
  case $prev in
    --target) COMPREPLY=($(compgen -W "local aws" -- "$cur")); return ;;
    --output) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --runtime) COMPREPLY=($(compgen -W "nodejs18.x nodejs20.x nodejs22.x" -- "$cur")); return ;;
    --config|--payload-file|--state) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --profile)
      COMPREPLY=($(compgen -W "$(sed -n 's/^\[\(profile \)\{0,1\}\([^]]*\)\]$/\2/p' \
        "${AWS_CONFIG_FILE:-$HOME/.aws/config}" 2>/dev/null)" -- "$cur"))
      return ;;
  esac
  # The command path typed so far (global options and their values skipped).
  local -a topic=()
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --config|--target|--endpoint-url|--profile|--region|--output) ((i++)) ;;
      -*) ;;
      *) if [[ ${#topic[@]} -eq 0 || ${topic[0]} == stack && ${#topic[@]} -eq 1 ]]; then topic+=("${COMP_WORDS[i]}"); fi ;;
    esac
  done
  if [[ ${topic[0]} == help ]]; then
    COMPREPLY=($(compgen -W "$(_lambda_cd_words "${topic[@]:1}" | grep -v '^-')" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$(_lambda_cd_words "${topic[@]}")" -- "$cur"))
}
complete -F _lambda_cd lambda-cd
