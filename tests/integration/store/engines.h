#pragma once

#include <gtest/gtest.h>

#include "support/test_database.h"

namespace liaison::testing {

//! The store suite runs every test once per engine.
class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  TestDatabase database_{GetParam()};
};

inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::sqlite ? "sqlite" : "postgresql";
}

#define LIAISON_INSTANTIATE_STORE_TEST(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(Engines, suite,                                            \
                           ::testing::Values(::liaison::testing::Engine::sqlite,      \
                                             ::liaison::testing::Engine::postgresql), \
                           ::liaison::testing::engine_name)

}  // namespace liaison::testing
