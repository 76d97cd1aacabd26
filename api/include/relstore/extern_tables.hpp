// RELSTORE_EXTERN_TABLES and RELSTORE_INSTANTIATE_TABLES: compile a schema's
// tables once for the program instead of once per translation unit.
//
// A store holds, for each model, a table: its Boost.MultiIndex container and
// the run-time interface the query pipeline, verify and snapshots call. That
// interface is virtual, so every translation unit that creates the store
// compiles every function of it, for every model. Optional, compile time
// only; behaviour is the same with or without. In the header that declares
// the schema, at global scope after it:
//
//   RELSTORE_EXTERN_TABLES(game::schema, game::Player, game::Item)
//
// and, with the same arguments, in exactly one .cpp of the program:
//
//   RELSTORE_INSTANTIATE_TABLES(game::schema, game::Player, game::Item)
//
// A large schema can spread its tables over several .cpp files, which then
// compile in parallel: RELSTORE_INSTANTIATE_TABLES with some models in one,
// RELSTORE_INSTANTIATE_MORE_TABLES with the others in the rest.
//
// Each model's run-time description (its fields, their accessors and
// conversions) is compiled wherever a store of a schema holding it is, and
// a model may be in several schemas: RELSTORE_EXTERN_MODELS(Model...) in the
// header that declares the models and RELSTORE_INSTANTIATE_MODELS(Model...)
// in exactly one .cpp compile it once.
//
// A model left out is compiled where it is used, as without the macros. A
// model listed in EXTERN but in no INSTANTIATE is a link error naming it.
// REQUIRES: every translation unit that uses the store sees the same
// RELSTORE_ASSERT, NDEBUG and safe-mode settings as the one that
// instantiates (the tables' code is compiled there only).
#pragma once

#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/variadic/to_seq.hpp>

#include "relstore/detail/materialize.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/detail/storage.hpp"

#define RELSTORE_DETAIL_TABLE_OF(Schema, M)                                        \
  ::relstore::detail::table<M, ::relstore::detail::storage<Schema>::relation_list, \
                            ::relstore::detail::storage<Schema>::index_list>
#define RELSTORE_DETAIL_EXTERN_TABLE(r, Schema, M) extern template class RELSTORE_DETAIL_TABLE_OF(Schema, M);
#define RELSTORE_DETAIL_INSTANTIATE_TABLE(r, Schema, M) template class RELSTORE_DETAIL_TABLE_OF(Schema, M);

// Declares the tables of the models listed (models of Schema), and the
// store's storage, row makers and snapshot columns, compiled elsewhere.
#define RELSTORE_EXTERN_TABLES(Schema, ...)                           \
  extern template class ::relstore::detail::storage<Schema>;          \
  extern template struct ::relstore::detail::materializer<Schema>;    \
  extern template struct ::relstore::detail::snapshot_bridge<Schema>; \
  BOOST_PP_SEQ_FOR_EACH(RELSTORE_DETAIL_EXTERN_TABLE, Schema, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))
// Compiles the tables of the models listed, the storage, the row makers and
// the snapshot columns, in one .cpp.
#define RELSTORE_INSTANTIATE_TABLES(Schema, ...)               \
  template class ::relstore::detail::storage<Schema>;          \
  template struct ::relstore::detail::materializer<Schema>;    \
  template struct ::relstore::detail::snapshot_bridge<Schema>; \
  BOOST_PP_SEQ_FOR_EACH(RELSTORE_DETAIL_INSTANTIATE_TABLE, Schema, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))
// Compiles the tables of the models listed only: the rest of a schema whose
// RELSTORE_INSTANTIATE_TABLES is in another .cpp.
#define RELSTORE_INSTANTIATE_MORE_TABLES(Schema, ...) \
  BOOST_PP_SEQ_FOR_EACH(RELSTORE_DETAIL_INSTANTIATE_TABLE, Schema, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))

#define RELSTORE_DETAIL_EXTERN_MODEL(r, data, M) \
  extern template ::relstore::model_info relstore::detail::build_model_info<M>();
#define RELSTORE_DETAIL_INSTANTIATE_MODEL(r, data, M) \
  template ::relstore::model_info relstore::detail::build_model_info<M>();
// Declares the run-time descriptions of the models listed, compiled elsewhere.
#define RELSTORE_EXTERN_MODELS(...) \
  BOOST_PP_SEQ_FOR_EACH(RELSTORE_DETAIL_EXTERN_MODEL, _, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))
// Compiles the run-time descriptions of the models listed, in one .cpp.
#define RELSTORE_INSTANTIATE_MODELS(...) \
  BOOST_PP_SEQ_FOR_EACH(RELSTORE_DETAIL_INSTANTIATE_MODEL, _, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))
