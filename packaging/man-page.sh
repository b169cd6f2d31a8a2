#!/usr/bin/env bash
# Writes the lambda-cd(1) man page on stdout from the binary's own help, so the page, `--help` and
# `lambda-cd help COMMAND` never disagree. Usage: packaging/man-page.sh path/to/lambda-cd
set -euo pipefail
bin=$1
version=$("$bin" --version)
# roff: escape backslashes, protect leading dots/quotes, keep hyphens literal.
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e 's/-/\\-/g'; }
# The names listed under "Subcommands:" in a help text.
subcommands() { awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}'; }

cat <<ROFF
.TH LAMBDA\\-CD 1 "" "$version" "User Commands"
.SH NAME
lambda\\-cd \\- continuous deployment for AWS Lambda through versions and aliases, with a local AWS\\-compatible endpoint
.SH SYNOPSIS
.B lambda\\-cd
[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]
.br
.B lambda\\-cd help
\\fICOMMAND\\fR
.SH DESCRIPTION
lambda\\-cd takes a Node.js function from commit to production: unit tests, a reproducible zip,
\\fB\$LATEST\\fR, integration tests, a published version per build, and aliases (STAGE, PROD) moved
with guards and history so \\fBrollback\\fR works from any checkout. \\fBlambda\\-cd local\\fR serves
Lambda, S3, CloudFormation and STS on loopback so the whole pipeline runs without an AWS account.
Configuration is read from \\fBlambda\\-cd.toml\\fR in the project (see \\fBlambda\\-cd init\\fR).
.SH GLOBAL OPTIONS
.nf
ROFF
"$bin" --help | roff
echo ".fi"
echo ".SH COMMANDS"
for cmd in $("$bin" --help | subcommands); do
  echo ".SS $cmd"
  echo ".nf"
  "$bin" help "$cmd" | roff
  echo ".fi"
  for sub in $("$bin" help "$cmd" | subcommands); do
    echo ".SS \"$cmd $sub\""
    echo ".nf"
    "$bin" help "$cmd" "$sub" | roff
    echo ".fi"
  done
done
cat <<'ROFF'
.SH CREDENTIALS
With \fB\-\-target aws\fR, credentials come from the sources the AWS SDKs use, in their order:
environment variables, a profile's role_arn (AssumeRole, with source_profile or credential_source,
external_id, mfa_serial), web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), IAM Identity
Center (SSO) profiles, ~/.aws/credentials, credential_process, ~/.aws/config, container credentials
(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI) and EC2 instance metadata (IMDSv2).
Temporary credentials are refreshed before they expire.
.SH EXIT STATUS
0 success, 1 a step failed, 2 usage or configuration error.
.SH FILES
.TP
.B lambda\-cd.toml
the project's configuration
.TP
.B .lambda\-cd/
per\-project state: deploy records, caches, the local endpoint's state
.SH SEE ALSO
.BR aws (1),
.BR node (1),
.BR npm (1)
ROFF
