// The clinic schema's storage and first tables, compiled once for every test
// binary; clinic_tables.cpp compiles the others beside it.
#include "common/clinic_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(clinic::schema, clinic::Patient, clinic::Doctor, clinic::Appointment)
RELSTORE_INSTANTIATE_MODELS(clinic::Patient, clinic::Doctor, clinic::Appointment, clinic::Ward, clinic::Nurse,
                            clinic::Visit)
