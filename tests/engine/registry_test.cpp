#include <gtest/gtest.h>

#include "common/shop_schema.hpp"
