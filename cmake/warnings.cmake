# One warning policy for every target of the project; CI turns it into errors.
add_library(liaison_warnings INTERFACE)
target_compile_options(liaison_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${LIAISON_WERROR}>:-Werror>)
