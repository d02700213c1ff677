// The .rvmt file: round trip, validation of every field, corruption detection (loader or
// verify), wrong program, no overwriting, no half-written files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/replay.hpp"
#include "trace_test_util.hpp"

using namespace tt;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("rvtrace_trace_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(dir); }
  ~TempDir() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::string write_trace(const GuestCase& g, const std::string& path, std::uint64_t chunk) {
  Guest x = load(g);
  TraceFileWriter w(path);
  RecordOptions o;
  o.chunk_steps = chunk;
  record(*x.proc, x.code, w, o);
  return path;
}

std::vector<char> read_bytes(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
void write_bytes(const std::string& p, const std::vector<char>& b) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(b.data(), static_cast<std::streamsize>(b.size()));
}

// Loading then verifying; returns the error message ("" if accepted).
std::string load_and_verify(const std::string& path, const DecodedProgram& code, unsigned threads = 1) {
  try {
    TraceFile f(path);
    return verify_error(code, f.view(), threads);
  } catch (const InputError& e) {  // rejected when opened
    return e.what();
  }
}

}  // namespace

TEST_CASE("trace file round trip equals the in-memory trace", "[trace][file]") {
  TempDir tmp;
  for (const GuestCase& g : {GuestCase{"sha256", {"2"}}, GuestCase{"misaligned", {}}, GuestCase{"fault_store_text", {}}}) {
    INFO(label(g));
    const std::string path = write_trace(g, tmp / (g.name + ".rvmt"), 64);
    const MemoryTrace m = record_trace(g, 64);
    TraceFile f(path);
    CHECK(f.info().total_steps == m.info.total_steps);
    CHECK(f.info().num_chunks == m.info.num_chunks);
    CHECK(f.info().log_words == m.info.log_words);
    CHECK(f.info().stop == m.info.stop);
    CHECK(f.info().exit_code == m.info.exit_code);
    CHECK(f.info().program_hash == m.info.program_hash);
    const TraceView v = f.view();
    CHECK(std::equal(v.log.begin(), v.log.end(), m.log.begin(), m.log.end()));
    CHECK(std::equal(v.checkpoints.begin(), v.checkpoints.end(), m.checkpoints.begin(), m.checkpoints.end()));
    CHECK(f.file_size() == format::header_bytes + 8 * m.info.log_words + 296 * (m.info.num_chunks + 1));
    const Guest x = load(g);
    f.check_program(x.proc->program, "elf");
    CHECK(load_and_verify(path, x.code, 2).empty());
    CHECK(replay(x.code, v, [] { return DigestPolicy{}; }, 2u).hex() == sequential(g, DigestPolicy{}).hex());
    // No temporary file left behind.
    CHECK(std::distance(fs::directory_iterator(tmp.dir), fs::directory_iterator{}) >= 1);
    for (const auto& e : fs::directory_iterator(tmp.dir)) CHECK(e.path().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("the writer refuses to overwrite, and leaves no file when abandoned", "[trace][file]") {
  TempDir tmp;
  const std::string path = write_trace({"hello", {}}, tmp / "t.rvmt", 16);
  CHECK_THROWS_WITH(TraceFileWriter(path), Catch::Contains("exists"));
  {  // with overwrite: replaced
    Guest x = load({"hello", {}});
    TraceFileWriter w(path, true);
    RecordOptions o;
    o.chunk_steps = 32;
    record(*x.proc, x.code, w, o);
  }
  CHECK(TraceFile(path).info().chunk_steps == 32);
  {
    TraceFileWriter w(tmp / "abandoned.rvmt");
    const std::uint64_t words[3] = {1, 2, 3};
    w.chunk(Checkpoint{}, words);
  }  // not finished
  CHECK(!fs::exists(tmp / "abandoned.rvmt"));
  for (const auto& e : fs::directory_iterator(tmp.dir)) CHECK(e.path().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("a trace replayed with the wrong ELF is rejected", "[trace][file]") {
  TempDir tmp;
  const std::string path = write_trace({"sha256", {"2"}}, tmp / "t.rvmt", 1024);
  const Guest other = load({"keccak", {"300"}});
  const Guest flavour = load({"sha256", {"2"}}, "rv64im");
  TraceFile f(path);
  CHECK_THROWS_WITH(f.check_program(other.proc->program, "keccak.elf"), Catch::Contains("different program"));
  CHECK_THROWS_WITH(check_chunks_both(other.code, f.view()), Catch::Contains("different program"));
  CHECK_THROWS_WITH(check_chunks_both(flavour.code, f.view()), Catch::Contains("different program"));
}

TEST_CASE("bad files: empty, truncated, wrong magic, wrong version, trailing bytes", "[trace][file]") {
  TempDir tmp;
  const std::string path = write_trace({"hello", {}}, tmp / "t.rvmt", 16);
  const std::vector<char> good = read_bytes(path);
  const Guest x = load({"hello", {}});
  auto err = [&](std::vector<char> b) {
    write_bytes(tmp / "bad.rvmt", b);
    return load_and_verify(tmp / "bad.rvmt", x.code);
  };
  CHECK_THAT(err({}), Catch::Contains("bad.rvmt") && Catch::Contains("truncated"));
  CHECK_THAT(err({good.begin(), good.begin() + 100}), Catch::Contains("truncated"));
  CHECK_THAT(err({good.begin(), good.end() - 8}), Catch::Contains("truncated"));
  CHECK_THAT(err({good.begin(), good.begin() + 128}), Catch::Contains("truncated"));
  auto more = good;
  more.push_back(0);
  CHECK_THAT(err(more), Catch::Contains("trailing"));
  auto magic = good;
  magic[0] = 'X';
  CHECK_THAT(err(magic), Catch::Contains("bad magic"));
  auto version = good;
  version[4] = 1;  // the format before first-touch logging
  CHECK_THAT(err(version), Catch::Contains("unsupported version 1"));
  version[4] = 2;  // the format before input/arguments/platform/ISA binding
  CHECK_THAT(err(version), Catch::Contains("unsupported version 2"));
  version[4] = 4;
  CHECK_THAT(err(version), Catch::Contains("unsupported version 4"));
  CHECK_THAT(load_and_verify(tmp / "missing.rvmt", x.code), Catch::Contains("cannot open"));
}

TEST_CASE("every single-byte corruption is detected (header, log, index)", "[trace][file]") {
  TempDir tmp;
  const GuestCase g{"misaligned", {}};
  const std::string path = write_trace(g, tmp / "t.rvmt", 256);
  const std::vector<char> good = read_bytes(path);
  const Guest x = load(g);
  TraceFile f(path);
  const std::size_t hdr = format::header_bytes;
  const std::size_t log_end = hdr + 8 * f.info().log_words;
  REQUIRE(f.info().num_chunks > 4);
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < hdr; ++i) positions.push_back(i);                       // whole header
  for (std::size_t i = hdr; i < log_end; i += 61) positions.push_back(i);             // log sample
  for (std::size_t i = log_end; i < good.size(); i += 7) positions.push_back(i);      // index sample
  positions.push_back(log_end - 1);
  positions.push_back(good.size() - 1);
  std::size_t detected_by_loader = 0, detected_by_verify = 0;
  for (std::size_t pos : positions) {
    for (unsigned char flip : {0x01, 0x80}) {
      auto bad = good;
      bad[pos] = static_cast<char>(bad[pos] ^ flip);
      write_bytes(tmp / "bad.rvmt", bad);
      INFO("byte " << pos << " ^ " << unsigned(flip));
      std::string msg;
      try {
        TraceFile b(tmp / "bad.rvmt");
        try {
          check_chunks_both(x.code, b.view());
        } catch (const InputError& e) {
          msg = e.what();
          ++detected_by_verify;
          if (pos >= hdr && pos < log_end) {  // a log byte: verify names the chunk holding it
            const std::uint64_t word = (pos - hdr) / 8;
            std::uint64_t chunk = 0;
            while (f.view().checkpoints[chunk + 1].log_offset <= word) ++chunk;
            CHECK_THAT(msg, Catch::StartsWith("chunk " + std::to_string(chunk) + " "));
          }
        }
      } catch (const InputError& e) {
        msg = e.what();
        ++detected_by_loader;
        CHECK_THAT(msg, Catch::Contains("bad.rvmt"));
      }
      CHECK(!msg.empty());
    }
  }
  CHECK(detected_by_loader > 0);
  CHECK(detected_by_verify > 0);
}
