# Tests run with the environment they set themselves, never the tester's: every AWS_* variable an
# SDK or the AWS CLI reads is unset, HOME is an empty folder of the build (no ~/.aws/config or
# ~/.aws/credentials) and the XDG folders follow it. Scripts then set what they rely on
# (tests/support/lcd_harness.py, the .mjs tests) and unit tests inject their environment; the
# harnesses also drop any AWS_* variable this list misses. tests/integration/
# foreign_environment_test.py proves it with a hostile environment.
set(LCD_TEST_HOME "${CMAKE_BINARY_DIR}/test-home")
file(MAKE_DIRECTORY "${LCD_TEST_HOME}")
set(LCD_TEST_UNSET_VARIABLES
  AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION
  AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
  AWS_ENDPOINT_URL AWS_ENDPOINT_URL_LAMBDA AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_CLOUDFORMATION AWS_ENDPOINT_URL_STS
  AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_LOGS AWS_ENDPOINT_URL_CLOUDWATCH AWS_ENDPOINT_URL_CLOUDWATCH_LOGS
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_USE_FIPS_ENDPOINT AWS_USE_DUALSTACK_ENDPOINT AWS_STS_REGIONAL_ENDPOINTS
  AWS_S3_US_EAST_1_REGIONAL_ENDPOINT AWS_CA_BUNDLE AWS_MAX_ATTEMPTS AWS_RETRY_MODE AWS_DEFAULT_OUTPUT AWS_PAGER
  AWS_CLI_AUTO_PROMPT AWS_CLI_FILE_ENCODING AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_EC2_METADATA_DISABLED AWS_EC2_METADATA_SERVICE_ENDPOINT
  AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE AWS_METADATA_SERVICE_TIMEOUT AWS_METADATA_SERVICE_NUM_ATTEMPTS
  AWS_SDK_LOAD_CONFIG AWS_REQUEST_CHECKSUM_CALCULATION AWS_RESPONSE_CHECKSUM_VALIDATION AWS_ACCOUNT_ID
  AWS_ACCOUNT_ID_ENDPOINT_MODE AWS_DEFAULTS_MODE AWS_SDK_UA_APP_ID AWS_DATA_PATH AWS_SIGV4A_SIGNING_REGION_SET
  AWS_EXECUTION_ENV AWS_LAMBDA_FUNCTION_NAME
  LAMBDA_CD_TARGET LAMBDA_CD_REGION LAMBDA_CD_PROFILE LAMBDA_CD_ENDPOINT_URL LAMBDA_CD_CONFIG LAMBDA_CD_STATE_DIR
  LAMBDA_CD_BACKUP_BUCKET LAMBDA_CD_FUNCTION_NAME LAMBDA_CD_LOCAL_CREDENTIALS
  XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME)
set(LCD_TEST_ENVIRONMENT_MODIFICATION "HOME=set:${LCD_TEST_HOME}")
foreach(variable IN LISTS LCD_TEST_UNSET_VARIABLES)
  list(APPEND LCD_TEST_ENVIRONMENT_MODIFICATION "${variable}=unset:")
endforeach()

# Registers every script in the calling folder as a ctest case "<prefix>.<file name>":
#   *_test.py  runs with Debian's /usr/bin/python3 (python3-boto3; AWS CLI v2 is /usr/bin/aws),
#   *_test.sh  runs with bash,
#   *.test.mjs runs with node (AWS SDK for JavaScript from tests/compat/node_modules),
# each with LAMBDA_CD=<the built binary>, LCD_BUILD_DIR=<the build folder> and the clean environment
# above. A script starts its own `lambda-cd local --port 0`.
function(lcd_add_script_tests prefix)
  if(NOT TARGET lambda-cd)
    return()
  endif()
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB scripts CONFIGURE_DEPENDS ${dir}/*_test.py ${dir}/*_test.sh ${dir}/*.test.mjs)
  foreach(script IN LISTS scripts)
    get_filename_component(name ${script} NAME)
    if(name MATCHES "\\.py$")
      set(cmd /usr/bin/python3 ${script})
    elseif(name MATCHES "\\.sh$")
      set(cmd bash ${script})
    else()
      set(cmd node ${script})
    endif()
    add_test(NAME ${prefix}.${name} COMMAND ${cmd} WORKING_DIRECTORY ${dir})
    set_tests_properties(${prefix}.${name} PROPERTIES
      ENVIRONMENT "LAMBDA_CD=$<TARGET_FILE:lambda-cd>;LCD_BUILD_DIR=${CMAKE_BINARY_DIR};PATH=/usr/bin:/bin:/usr/local/bin;PYTHONDONTWRITEBYTECODE=1"
      ENVIRONMENT_MODIFICATION "${LCD_TEST_ENVIRONMENT_MODIFICATION}"
      TIMEOUT 600)
  endforeach()
endfunction()
