# libphonenumber (Debian's libphonenumber8 library, headers unpacked into .deps/ by
# scripts/install-deps.sh because libphonenumber-dev conflicts with Boost 1.81's -dev packages).
# Provides the imported target Phonenumber::phonenumber.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h
          HINTS "${PROJECT_SOURCE_DIR}/.deps/libphonenumber-dev/usr/include")
find_library(PHONENUMBER_LIBRARY NAMES phonenumber libphonenumber.so.8)
find_package(Protobuf REQUIRED)
if(NOT PHONENUMBER_INCLUDE_DIR OR NOT PHONENUMBER_LIBRARY)
  message(FATAL_ERROR "libphonenumber not found: run scripts/install-deps.sh "
                      "(headers ${PHONENUMBER_INCLUDE_DIR}, library ${PHONENUMBER_LIBRARY})")
endif()
add_library(Phonenumber::phonenumber UNKNOWN IMPORTED)
set_target_properties(Phonenumber::phonenumber PROPERTIES
  IMPORTED_LOCATION "${PHONENUMBER_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PHONENUMBER_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES protobuf::libprotobuf)
