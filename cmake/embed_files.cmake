# Compiles files (reference data, migrations, static assets) into the binary, so that one
# `liaison` executable carries everything it needs and an operator has no data path to set.
#
# liaison_embed_files(TARGET <name> NAMESPACE <c++ namespace> BASE_DIR <dir> FILES <file>...)
# generates a source file defining `std::span<const EmbeddedFile> <namespace>::files()`.
function(liaison_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}.cpp")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}"
      "-DOUTPUT=${output}" "-DNAMESPACE=${ARG_NAMESPACE}" "-DBASE_DIR=${ARG_BASE_DIR}"
      "-DFILES=${ARG_FILES}"
      -P "${PROJECT_SOURCE_DIR}/cmake/embed_files_generate.cmake"
    DEPENDS ${ARG_FILES} "${PROJECT_SOURCE_DIR}/cmake/embed_files_generate.cmake"
    COMMENT "Embedding files for ${ARG_TARGET}"
    VERBATIM)
  add_library(${ARG_TARGET} STATIC "${output}")
  target_link_libraries(${ARG_TARGET} PUBLIC liaison_base)
endfunction()
