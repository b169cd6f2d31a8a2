#include "local/cloudformation/inline_zip.hpp"

#include <zlib.h>

#include <cstdint>

namespace lcd::local::cloudformation {
namespace {

void u16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}

void u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::string single_file_zip(std::string_view name, std::string_view content) {
  uint32_t crc = static_cast<uint32_t>(
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size())));
  auto size = static_cast<uint32_t>(content.size());
  const uint16_t dos_time = 0, dos_date = (1980 - 1980) << 9 | 1 << 5 | 1;  // 1980-01-01 00:00
  std::string out;
  // Local file header.
  u32(out, 0x04034b50);
  u16(out, 20);
  u16(out, 0);
  u16(out, 0);  // stored
  u16(out, dos_time);
  u16(out, dos_date);
  u32(out, crc);
  u32(out, size);
  u32(out, size);
  u16(out, static_cast<uint16_t>(name.size()));
  u16(out, 0);
  out += name;
  out += content;
  auto central_offset = static_cast<uint32_t>(out.size());
  // Central directory header.
  u32(out, 0x02014b50);
  u16(out, 0x0314);  // made by: UNIX, 2.0
  u16(out, 20);
  u16(out, 0);
  u16(out, 0);
  u16(out, dos_time);
  u16(out, dos_date);
  u32(out, crc);
  u32(out, size);
  u32(out, size);
  u16(out, static_cast<uint16_t>(name.size()));
  u16(out, 0);
  u16(out, 0);
  u16(out, 0);
  u16(out, 0);
  u32(out, 0100644u << 16);  // external attributes: regular file, rw-r--r--
  u32(out, 0);               // local header offset
  out += name;
  auto central_size = static_cast<uint32_t>(out.size()) - central_offset;
  // End of central directory.
  u32(out, 0x06054b50);
  u16(out, 0);
  u16(out, 0);
  u16(out, 1);
  u16(out, 1);
  u32(out, central_size);
  u32(out, central_offset);
  u16(out, 0);
  return out;
}

}  // namespace lcd::local::cloudformation
