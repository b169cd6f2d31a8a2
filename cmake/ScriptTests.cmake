# Registers every script in the calling folder as a ctest case "<prefix>.<file name>":
#   *_test.py  runs with Debian's /usr/bin/python3 (python3-boto3; AWS CLI v2 is /usr/bin/aws),
#   *_test.sh  runs with bash,
#   *.test.mjs runs with node (AWS SDK for JavaScript from tests/compat/node_modules),
# each with LAMBDA_CD=<the built binary>. A script starts its own `lambda-cd local --port 0`.
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
      ENVIRONMENT "LAMBDA_CD=$<TARGET_FILE:lambda-cd>;PATH=/usr/bin:/bin:/usr/local/bin;PYTHONDONTWRITEBYTECODE=1"
      TIMEOUT 600)
  endforeach()
endfunction()
