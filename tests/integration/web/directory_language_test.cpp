// The directory pages in the reader's language, through the real server.

#include <gtest/gtest.h>
