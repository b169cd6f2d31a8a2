#include "package/zip_format.hpp"

namespace lcd::package {
namespace {

void put16(std::string& out, uint64_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, uint64_t v) {
  put16(out, v & 0xFFFF);
  put16(out, (v >> 16) & 0xFFFF);
}
void put64(std::string& out, uint64_t v) {
  put32(out, v & 0xFFFFFFFFull);
  put32(out, v >> 32);
}

constexpr uint16_t k_zip64_extra_id = 0x0001;
constexpr uint16_t k_made_by_unix = 3 << 8;
constexpr uint16_t k_flag_utf8 = 1 << 11;

bool needs_utf8_flag(const std::string& name) {
  for (unsigned char c : name)
    if (c >= 0x80) return true;
  return false;
}

uint16_t version_needed(bool zip64, uint16_t method) {
  if (zip64) return 45;
  return method == k_method_deflate ? 20 : 10;
}

uint32_t clamp32(uint64_t v) { return v >= k_zip32_max ? 0xFFFFFFFFu : static_cast<uint32_t>(v); }

}  // namespace

std::string local_header(const CentralRecord& r) {
  std::string out;
  out.reserve(30 + r.name.size() + (r.local_zip64 ? 20 : 0));
  put32(out, 0x04034b50);
  put16(out, version_needed(r.local_zip64, r.method));
  put16(out, needs_utf8_flag(r.name) ? k_flag_utf8 : 0);
  put16(out, r.method);
  put16(out, k_dos_time_midnight);
  put16(out, k_dos_date_1980_01_01);
  put32(out, r.crc);
  put32(out, r.local_zip64 ? 0xFFFFFFFFu : static_cast<uint32_t>(r.compressed));
  put32(out, r.local_zip64 ? 0xFFFFFFFFu : static_cast<uint32_t>(r.uncompressed));
  put16(out, r.name.size());
  put16(out, r.local_zip64 ? 20 : 0);
  out += r.name;
  if (r.local_zip64) {
    put16(out, k_zip64_extra_id);
    put16(out, 16);
    put64(out, r.uncompressed);
    put64(out, r.compressed);
  }
  return out;
}

std::string central_header(const CentralRecord& r) {
  // The zip64 extra holds, in this order, only the fields whose 32-bit slot overflowed.
  std::string extra;
  if (r.uncompressed >= k_zip32_max) put64(extra, r.uncompressed);
  if (r.compressed >= k_zip32_max) put64(extra, r.compressed);
  if (r.offset >= k_zip32_max) put64(extra, r.offset);
  const bool zip64 = !extra.empty() || r.local_zip64;
  std::string out;
  out.reserve(46 + r.name.size() + extra.size() + 4);
  put32(out, 0x02014b50);
  put16(out, k_made_by_unix | version_needed(zip64, r.method));
  put16(out, version_needed(zip64, r.method));
  put16(out, needs_utf8_flag(r.name) ? k_flag_utf8 : 0);
  put16(out, r.method);
  put16(out, k_dos_time_midnight);
  put16(out, k_dos_date_1980_01_01);
  put32(out, r.crc);
  put32(out, clamp32(r.compressed));
  put32(out, clamp32(r.uncompressed));
  put16(out, r.name.size());
  put16(out, extra.empty() ? 0 : extra.size() + 4);
  put16(out, 0);  // comment
  put16(out, 0);  // disk
  put16(out, 0);  // internal attributes
  put32(out, r.external_attributes);
  put32(out, clamp32(r.offset));
  out += r.name;
  if (!extra.empty()) {
    put16(out, k_zip64_extra_id);
    put16(out, extra.size());
    out += extra;
  }
  return out;
}

std::string end_records(uint64_t count, uint64_t central_offset, uint64_t central_size, uint64_t here, bool& zip64) {
  zip64 = count >= 0xFFFF || central_offset >= k_zip32_max || central_size >= k_zip32_max;
  std::string out;
  if (zip64) {
    put32(out, 0x06064b50);
    put64(out, 44);  // size of the rest of this record
    put16(out, k_made_by_unix | 45);
    put16(out, 45);
    put32(out, 0);   // this disk
    put32(out, 0);   // disk with the central directory
    put64(out, count);
    put64(out, count);
    put64(out, central_size);
    put64(out, central_offset);
    put32(out, 0x07064b50);
    put32(out, 0);
    put64(out, here);  // offset of the zip64 end record
    put32(out, 1);     // total disks
  }
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, count >= 0xFFFF ? 0xFFFF : count);
  put16(out, count >= 0xFFFF ? 0xFFFF : count);
  put32(out, clamp32(central_size));
  put32(out, clamp32(central_offset));
  put16(out, 0);
  return out;
}

}  // namespace lcd::package
