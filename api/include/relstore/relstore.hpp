// relstore: an in-memory object store with an indexed, enforced relation engine.
#pragma once

#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/has_many_repository.hpp"
#include "relstore/model.hpp"
#include "relstore/model_info.hpp"
#include "relstore/op.hpp"
#include "relstore/patch.hpp"
#include "relstore/query_plan.hpp"
#include "relstore/registry.hpp"
#include "relstore/relation.hpp"
#include "relstore/repository.hpp"
#include "relstore/row.hpp"
#include "relstore/schema.hpp"
#include "relstore/store.hpp"
#include "relstore/value.hpp"
