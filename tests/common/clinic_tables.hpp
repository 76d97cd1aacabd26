// The clinic schema's remaining tables (clinic_schema.hpp) are compiled in
// clinic_tables.cpp, beside clinic_schema.cpp, so the two halves compile in
// parallel.
#pragma once

#include "common/clinic_schema.hpp"
