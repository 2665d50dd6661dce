# One warning policy for every target of the project; CI turns it into errors.
add_library(liaison_warnings INTERFACE)
target_compile_options(liaison_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${LIAISON_WERROR}>:-Werror>)
# GCC 12 at -O2/-O3 reports -Wrestrict for ordinary std::string concatenation inlined from
# libstdc++ (GCC bug 105329, fixed in 13): a false alarm about the library, not our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(liaison_warnings INTERFACE -Wno-restrict)
endif()
