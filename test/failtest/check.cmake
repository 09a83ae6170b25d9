# cmake -DCASE=<build>/failtest_<name>_<ok|ko>.cmake -P check.cmake
# Compiles one failtest case with the command CMake generated for it, plus -fsyntax-only.
#   ok: must compile.
#   ko: must fail, print output matching CASE_REGEX, and have exactly one line with "error:".
# With CASE_EXPECT_REJECTED set (harness self-tests), the ko test passes only when the checks
# above reject the case for that reason: compiles, message or cascade.
cmake_minimum_required(VERSION 3.20...3.25)
include("${CASE}")

file(READ "${COMPILE_COMMANDS}" commands)
string(JSON count LENGTH "${commands}")
math(EXPR last "${count} - 1")
set(command "")
foreach(i RANGE ${last})
  # The entry whose object file lies in the case's target directory (no "output" key before 3.26).
  string(JSON candidate GET "${commands}" ${i} command)
  string(FIND "${candidate}" "${CASE_OBJECT_DIR}" at)
  if(at GREATER -1)
    set(command "${candidate}")
    string(JSON directory GET "${commands}" ${i} directory)
    break()
  endif()
endforeach()
if(command STREQUAL "")
  message(FATAL_ERROR "${CASE_NAME}: no entry for ${CASE_OBJECT_DIR} in ${COMPILE_COMMANDS}")
endif()

# Keep the flags, drop what writes files (object, dependency file), add -fsyntax-only.
separate_arguments(words UNIX_COMMAND "${command}")
set(args "")
set(skip_next FALSE)
foreach(word IN LISTS words)
  if(skip_next)
    set(skip_next FALSE)
  elseif(word MATCHES "^-(o|MT|MF|MQ)$")
    set(skip_next TRUE)
  elseif(NOT word MATCHES "^-(c|MD|MMD)$")
    list(APPEND args "${word}")
  endif()
endforeach()
list(APPEND args -fsyntax-only -fdiagnostics-color=never)

execute_process(COMMAND ${args}
                WORKING_DIRECTORY "${directory}"
                RESULT_VARIABLE result
                OUTPUT_VARIABLE out
                ERROR_VARIABLE out)

# Lines with "error:" that are diagnostics, not source lines echoed under a caret. The copy has no
# ';' or '[' ']', which CMake lists would treat specially.
string(REPLACE ";" "," flat "${out}")
string(REPLACE "[" "(" flat "${flat}")
string(REPLACE "]" ")" flat "${flat}")
string(REPLACE "\n" ";" lines "${flat}")
set(errors 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^[^ \t|].*error:")
    math(EXPR errors "${errors} + 1")
  endif()
endforeach()

set(reason "")
if(CASE_KIND STREQUAL "ok")
  if(NOT result EQUAL 0)
    set(reason "does_not_compile")
    set(why "the ok version must compile, but the compiler failed")
  endif()
else()
  if(result EQUAL 0)
    set(reason "compiles")
    set(why "the ko version must not compile, but it did")
  elseif(NOT out MATCHES "${CASE_REGEX}")
    set(reason "message")
    set(why "the compiler output does not match the regex '${CASE_REGEX}'")
  elseif(NOT errors EQUAL 1)
    set(reason "cascade")
    set(why "expected exactly one line with 'error:', found ${errors}")
  endif()
endif()

string(JOIN " " shown ${args})
if(NOT CASE_EXPECT_REJECTED STREQUAL "" AND CASE_KIND STREQUAL "ko")
  if(reason STREQUAL CASE_EXPECT_REJECTED)
    message(STATUS "${CASE_NAME}: rejected as expected (${reason}): ${why}")
  else()
    message(FATAL_ERROR "${CASE_NAME}: the harness should reject this case for '${CASE_EXPECT_REJECTED}', "
                        "got '${reason}'\ncommand: ${shown}\n${out}")
  endif()
elseif(NOT reason STREQUAL "")
  message(FATAL_ERROR "${CASE_NAME}: ${why}\ncommand: ${shown}\n--- compiler output ---\n${out}")
else()
  message(STATUS "${CASE_NAME}: ok (${errors} error lines)")
endif()
