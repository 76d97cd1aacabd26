// The clinic schema's tables, compiled once for every test binary.
#include "common/clinic_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(clinic::schema, clinic::Patient, clinic::Doctor, clinic::Appointment, clinic::Ward,
                            clinic::Nurse, clinic::Visit)
