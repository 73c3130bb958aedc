// `qedge bench` output: the table on stdout for people, JSON and CSV for machines (same rows, same numbers).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bench/record.h"
#include "qedge/kernel_api/status.h"

namespace qedge::cli::bench {

void print_table(std::FILE* out, const std::vector<Record>& records);
// A JSON list of records (to_json without predictions).
Status write_json(const std::string& path, const std::vector<Record>& records);
// One header row, then one row per record; null values are empty cells; top_ops is "op:ms:share;op:ms:share".
Status write_csv(const std::string& path, const std::vector<Record>& records);

}  // namespace qedge::cli::bench
