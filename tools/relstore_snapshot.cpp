// relstore-snapshot: inspect, verify, dump, import, convert, diff and export
// any relstore snapshot, without the application's types.
#include <relstore/snapshot_tool.hpp>

#include <iostream>

int main(int argc, char** argv) { return relstore::run_snapshot_tool(argc, argv, std::cin, std::cout, std::cerr); }
