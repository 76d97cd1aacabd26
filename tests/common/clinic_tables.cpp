// The clinic schema's tables that clinic_schema.cpp does not compile.
#include "common/clinic_tables.hpp"

RELSTORE_INSTANTIATE_MORE_TABLES(clinic::schema, clinic::Ward, clinic::Nurse, clinic::Visit)
