// The supplier schema's tables, compiled once for every test binary.
#include "common/supplier_schema.hpp"

RELSTORE_INSTANTIATE_TABLES(suppliers::schema, suppliers::Supplier, suppliers::Account, suppliers::Badge,
                            suppliers::Ledger)
RELSTORE_INSTANTIATE_MODELS(suppliers::Supplier, suppliers::Account, suppliers::Badge, suppliers::Ledger)
