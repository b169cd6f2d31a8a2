#pragma once
// Byte layouts of the zip records the writer emits (PKWARE APPNOTE 6.3): local and central file
// headers, zip64 extra fields and the end-of-central-directory records. Pure functions.

#include <cstdint>
#include <string>

namespace lcd::package {

inline constexpr uint16_t k_method_stored = 0;
inline constexpr uint16_t k_method_deflate = 8;
inline constexpr uint32_t k_dos_directory = 0x10;
inline constexpr uint64_t k_zip32_max = 0xFFFFFFFFull;
inline constexpr uint16_t k_dos_date_1980_01_01 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
inline constexpr uint16_t k_dos_time_midnight = 0;

struct CentralRecord {
  std::string name;
  uint32_t crc = 0;
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint64_t offset = 0;       // of the local header
  uint16_t method = k_method_stored;
  uint32_t external_attributes = 0;
  bool local_zip64 = false;  // the local header carries a zip64 extra with both sizes
};

std::string local_header(const CentralRecord& record);
std::string central_header(const CentralRecord& record);
// End-of-central-directory record, preceded by the zip64 record and locator when the count, the
// central directory's size or its offset overflow the 16/32-bit fields. Sets `zip64` accordingly.
std::string end_records(uint64_t count, uint64_t central_offset, uint64_t central_size, uint64_t here, bool& zip64);

}  // namespace lcd::package
