#include "local/s3/s3_store.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <system_error>

#include "local/s3/checksums.hpp"
#include "local/state_layout.hpp"
#include "local/string_pairs_json.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::local::s3 {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created TEXT NOT NULL,
  account TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  last_modified TEXT NOT NULL, last_modified_ms INTEGER NOT NULL, headers_json TEXT NOT NULL,
  checksums_json TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_blob ON objects(blob);
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, headers_json TEXT NOT NULL,
  created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
  md5_hex TEXT NOT NULL, PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS parts_blob ON parts(blob);
)sql";

constexpr int64_t k_min_part_size = 5 * 1024 * 1024;

ObjectMeta meta_from_row(const SqlRow& r) {
  ObjectMeta m;
  m.bucket = text_of(r[0]);
  m.key = text_of(r[1]);
  m.blob = text_of(r[2]);
  m.size = int_of(r[3]);
  m.etag = text_of(r[4]);
  m.last_modified = text_of(r[5]);
  m.last_modified_ms = int_of(r[6]);
  m.headers = parse_string_pairs_json(text_of(r[7]));
  m.checksums = parse_string_pairs_json(text_of(r[8]));
  return m;
}

constexpr const char* k_object_columns =
    "bucket, key, blob, size, etag, last_modified, last_modified_ms, headers_json, checksums_json";

Error no_such_bucket(const std::string& bucket) {
  auto e = s3_error(404, "NoSuchBucket", "The specified bucket does not exist");
  e.request_id = bucket;  // the service puts it in <BucketName>
  return e;
}

}  // namespace

Error s3_error(int status, std::string code, std::string message) {
  ErrorKind kind = status == 404 ? ErrorKind::not_found
                   : status == 409 ? ErrorKind::conflict
                   : status == 412 ? ErrorKind::precondition
                   : status >= 500 ? ErrorKind::server
                                   : ErrorKind::invalid;
  Error e{kind, std::move(message)};
  e.code = std::move(code);
  e.http_status = status;
  return e;
}

Result<std::unique_ptr<S3Store>> S3Store::open(const std::filesystem::path& state_dir, BlobStore& blobs,
                                               const std::string& default_account) {
  std::unique_ptr<S3Store> store(new S3Store(blobs));
  auto db = SqliteDb::open(state_database(state_dir), k_schema);
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  if (auto imported = store->import_legacy(state_dir); !imported) return fail(imported.error());
  if (auto owned = store->migrate_bucket_owners(default_account); !owned) return fail(owned.error());
  store->m_referrer = blobs.add_referrer([s = store.get()](const std::string& blob) { return s->references(blob); });
  return store;
}

Result<void> S3Store::import_legacy(const std::filesystem::path& state_dir) {
  auto legacy_dir = state_dir / "s3";
  auto legacy_db = legacy_dir / "s3.sqlite3";
  std::error_code ec;
  if (!std::filesystem::exists(legacy_db, ec)) return {};
  auto where = [&](const Error& e) { return Error{ErrorKind::io, "importing " + legacy_db.string() + ": " + e.message}; };
  if (auto adopted = m_blobs->adopt_directory(legacy_dir / "blobs"); !adopted) return fail(where(adopted.error()));
  if (auto rows = m_db->import_tables(legacy_db, {"buckets", "objects", "uploads", "parts"}); !rows) {
    return fail(where(rows.error()));
  }
  if (auto retired = retire_legacy_database(legacy_db); !retired) return fail(where(retired.error()));
  if (std::filesystem::exists(legacy_dir / "blobs", ec)) {
    std::filesystem::rename(legacy_dir / "blobs", legacy_dir / "blobs.migrated", ec);
  }
  return {};
}

Result<void> S3Store::migrate_bucket_owners(const std::string& default_account) {
  return m_db->transaction([&]() -> Result<void> {
    auto columns = m_db->query("SELECT 1 FROM pragma_table_info('buckets') WHERE name = 'account'");
    if (!columns) return fail(columns.error());
    if (columns->empty()) {
      if (auto added = m_db->exec("ALTER TABLE buckets ADD COLUMN account TEXT NOT NULL DEFAULT ''"); !added) {
        return added;
      }
    }
    return m_db->exec("UPDATE buckets SET account = ? WHERE account = ''", {default_account});
  });
}

Result<bool> S3Store::references(const std::string& blob) {
  auto rows = m_db->query("SELECT 1 FROM objects WHERE blob = ?1 UNION ALL SELECT 1 FROM parts WHERE blob = ?1 LIMIT 1",
                          {blob});
  if (!rows) return fail(rows.error());
  return !rows->empty();
}

Result<void> S3Store::require_bucket(const std::string& bucket) {
  auto rows = m_db->query("SELECT 1 FROM buckets WHERE name = ?", {bucket});
  if (!rows) return fail(rows.error());
  if (rows->empty()) return fail(no_such_bucket(bucket));
  return {};
}

Result<BucketCreated> S3Store::create_bucket(const std::string& name, const std::string& region,
                                             const std::string& account) {
  BucketCreated outcome = BucketCreated::created;
  auto done = m_db->transaction([&]() -> Result<void> {
    auto existing = bucket_info(name);
    if (!existing) return fail(existing.error());
    if (*existing) {
      if ((*existing)->account != account) {
        return fail(s3_error(409, "BucketAlreadyExists",
                             "The requested bucket name is not available. The bucket namespace is shared by all users "
                             "of the system. Please select a different name and try again."));
      }
      if ((*existing)->region == "us-east-1" && region == "us-east-1") {
        outcome = BucketCreated::already_yours;
        return {};
      }
      return fail(s3_error(409, "BucketAlreadyOwnedByYou",
                           "Your previous request to create the named bucket succeeded and you already own it."));
    }
    return m_db->exec("INSERT INTO buckets (name, region, created, account) VALUES (?, ?, ?, ?)",
                      {name, region, format_iso8601_ms(system_clock().now()), account});
  });
  if (!done) return fail(done.error());
  return outcome;
}

Result<std::optional<BucketInfo>> S3Store::bucket_info(const std::string& name) {
  auto rows = m_db->query("SELECT name, region, account, created FROM buckets WHERE name = ?", {name});
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<BucketInfo>();
  const auto& r = (*rows)[0];
  return std::optional<BucketInfo>(BucketInfo{text_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3])});
}

Result<void> S3Store::delete_bucket(const std::string& name) {
  return m_db->transaction([&]() -> Result<void> {
    if (auto ok = require_bucket(name); !ok) return ok;
    auto rows = m_db->query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", {name});
    if (!rows) return fail(rows.error());
    if (!rows->empty()) return fail(s3_error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty"));
    auto uploads = m_db->query("SELECT upload_id FROM uploads WHERE bucket = ?", {name});
    if (!uploads) return fail(uploads.error());
    for (const auto& u : *uploads) {
      if (auto ok = m_db->exec("DELETE FROM parts WHERE upload_id = ?", {u[0]}); !ok) return ok;
    }
    if (auto ok = m_db->exec("DELETE FROM uploads WHERE bucket = ?", {name}); !ok) return ok;
    return m_db->exec("DELETE FROM buckets WHERE name = ?", {name});
  });
}

Result<std::vector<BucketSummary>> S3Store::list_buckets(const std::string& account, const std::string& region) {
  auto rows = m_db->query("SELECT name, created, region FROM buckets WHERE account = ?1 AND (?2 = '' OR region = ?2) "
                          "ORDER BY name",
                          {account, region});
  if (!rows) return fail(rows.error());
  std::vector<BucketSummary> out;
  for (const auto& r : *rows) out.push_back({text_of(r[0]), text_of(r[1]), text_of(r[2])});
  return out;
}

Result<std::optional<std::string>> S3Store::current_etag(const std::string& bucket, const std::string& key) {
  auto rows = m_db->query("SELECT etag FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
  if (!rows) return fail(rows.error());
  if (rows->empty()) {
    if (auto ok = require_bucket(bucket); !ok) return fail(ok.error());
    return std::optional<std::string>();
  }
  return std::optional<std::string>(text_of((*rows)[0][0]));
}

Result<void> S3Store::precheck(const std::string& bucket, const std::string& key, WriteCondition& condition) {
  if (!condition.any()) return {};
  if (!condition.observed) {
    auto etag = current_etag(bucket, key);
    if (!etag) return fail(etag.error());
    condition.observed = true;
    condition.observed_etag = *etag;
  }
  return check_write_condition(condition, condition.observed_etag);
}

Result<void> S3Store::recheck(const std::string& bucket, const std::string& key, const WriteCondition& condition) {
  if (!condition.any()) return {};
  auto etag = current_etag(bucket, key);
  if (!etag) return fail(etag.error());
  if (!check_write_condition(condition, *etag)) return fail(conditional_conflict());
  return {};
}

Result<ObjectMeta> S3Store::put_object(const std::string& bucket, const std::string& key, std::string_view bytes,
                                       HeaderPairs headers, HeaderPairs checksums, const WriteCondition& condition) {
  if (auto ok = require_bucket(bucket); !ok) return fail(ok.error());
  WriteCondition guard = condition;
  if (auto ok = precheck(bucket, key, guard); !ok) return fail(ok.error());
  ObjectMeta meta;
  meta.bucket = bucket;
  meta.key = key;
  meta.size = static_cast<int64_t>(bytes.size());
  meta.etag = single_part_etag(bytes);
  auto now = system_clock().now();
  meta.last_modified = format_iso8601_ms(now);
  meta.last_modified_ms = to_epoch_ms(now);
  meta.headers = std::move(headers);
  meta.checksums = std::move(checksums);
  std::string previous_blob;
  {
    auto lock = m_blobs->hold();
    auto blob = m_blobs->put(bytes);
    if (!blob) return fail(blob.error());
    meta.blob = *blob;
    auto stored = m_db->transaction([&]() -> Result<void> {
      if (auto ok = require_bucket(bucket); !ok) return ok;
      if (auto ok = recheck(bucket, key, guard); !ok) return ok;
      auto old = m_db->query("SELECT blob FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
      if (!old) return fail(old.error());
      if (!old->empty()) previous_blob = text_of((*old)[0][0]);
      return m_db->exec(std::string("INSERT OR REPLACE INTO objects (") + k_object_columns +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {bucket, key, meta.blob, meta.size, meta.etag, meta.last_modified, meta.last_modified_ms,
                         string_pairs_json(meta.headers), string_pairs_json(meta.checksums)});
    });
    if (!stored) {
      lock.unlock();
      release_blobs({meta.blob});
      return fail(stored.error());
    }
  }
  if (!previous_blob.empty() && previous_blob != meta.blob) release_blobs({previous_blob});
  return meta;
}

Result<ObjectMeta> S3Store::head_object(const std::string& bucket, const std::string& key) {
  auto rows = m_db->query(std::string("SELECT ") + k_object_columns + " FROM objects WHERE bucket = ? AND key = ?",
                          {bucket, key});
  if (!rows) return fail(rows.error());
  if (rows->empty()) {
    if (auto ok = require_bucket(bucket); !ok) return fail(ok.error());
    auto e = s3_error(404, "NoSuchKey", "The specified key does not exist.");
    e.request_id = key;
    return fail(e);
  }
  return meta_from_row((*rows)[0]);
}

Result<std::string> S3Store::read_blob(const ObjectMeta& meta) {
  auto lock = m_blobs->hold();
  auto bytes = m_blobs->get(meta.blob);
  if (!bytes) return fail(s3_error(500, "InternalError", "object data unreadable: " + bytes.error().message));
  return bytes;
}

Result<void> S3Store::delete_object(const std::string& bucket, const std::string& key, const WriteCondition& condition) {
  std::string blob;
  auto done = m_db->transaction([&]() -> Result<void> {
    if (auto ok = require_bucket(bucket); !ok) return ok;
    auto old = m_db->query("SELECT blob, etag FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
    if (!old) return fail(old.error());
    if (condition.any()) {
      std::optional<std::string> etag;
      if (!old->empty()) etag = text_of((*old)[0][1]);
      if (auto ok = check_write_condition(condition, etag); !ok) return ok;
    }
    if (old->empty()) return {};
    blob = text_of((*old)[0][0]);
    return m_db->exec("DELETE FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
  });
  if (!done) return done;
  if (!blob.empty()) release_blobs({blob});
  return {};
}

Result<std::vector<ObjectEntry>> S3Store::list_objects(const std::string& bucket, const std::string& prefix) {
  if (auto ok = require_bucket(bucket); !ok) return fail(ok.error());
  // Byte-order comparison (BINARY collation) gives S3's UTF-8 binary key order.
  auto rows = m_db->query("SELECT key, size, etag, last_modified FROM objects WHERE bucket = ? AND key >= ? "
                          "ORDER BY key",
                          {bucket, prefix});
  if (!rows) return fail(rows.error());
  std::vector<ObjectEntry> out;
  for (const auto& r : *rows) {
    std::string key = text_of(r[0]);
    if (key.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back({std::move(key), int_of(r[1]), text_of(r[2]), text_of(r[3])});
  }
  return out;
}

Result<ObjectMeta> S3Store::copy_object(const ObjectMeta& source, const std::string& bucket, const std::string& key,
                                        std::optional<HeaderPairs> replace_headers, const WriteCondition& condition) {
  WriteCondition guard = condition;
  if (auto ok = precheck(bucket, key, guard); !ok) return fail(ok.error());
  ObjectMeta meta = source;
  meta.bucket = bucket;
  meta.key = key;
  if (replace_headers) meta.headers = std::move(*replace_headers);
  auto now = system_clock().now();
  meta.last_modified = format_iso8601_ms(now);
  meta.last_modified_ms = to_epoch_ms(now);
  std::string previous_blob;
  auto lock = m_blobs->hold();
  auto stored = m_db->transaction([&]() -> Result<void> {
    if (auto ok = require_bucket(bucket); !ok) return ok;
    auto src = m_db->query("SELECT 1 FROM objects WHERE bucket = ? AND key = ? AND blob = ?",
                           {source.bucket, source.key, source.blob});
    if (!src) return fail(src.error());
    if (src->empty()) return fail(s3_error(404, "NoSuchKey", "The specified key does not exist."));
    if (auto ok = recheck(bucket, key, guard); !ok) return ok;
    auto old = m_db->query("SELECT blob FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
    if (!old) return fail(old.error());
    if (!old->empty()) previous_blob = text_of((*old)[0][0]);
    return m_db->exec(std::string("INSERT OR REPLACE INTO objects (") + k_object_columns +
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {bucket, key, meta.blob, meta.size, meta.etag, meta.last_modified, meta.last_modified_ms,
                       string_pairs_json(meta.headers), string_pairs_json(meta.checksums)});
  });
  lock.unlock();
  if (!stored) return fail(stored.error());
  if (!previous_blob.empty() && previous_blob != meta.blob) release_blobs({previous_blob});
  return meta;
}

Result<std::string> S3Store::create_upload(const std::string& bucket, const std::string& key, HeaderPairs headers) {
  std::string upload_id = base64_encode(random_hex(24));
  for (auto& c : upload_id) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
    if (c == '=') c = 'A';
  }
  auto done = m_db->transaction([&]() -> Result<void> {
    if (auto ok = require_bucket(bucket); !ok) return ok;
    return m_db->exec("INSERT INTO uploads (upload_id, bucket, key, headers_json, created) VALUES (?, ?, ?, ?, ?)",
                      {upload_id, bucket, key, string_pairs_json(headers), format_iso8601_ms(system_clock().now())});
  });
  if (!done) return fail(done.error());
  return upload_id;
}

namespace {
Error no_such_upload() {
  return s3_error(404, "NoSuchUpload",
                  "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                  "aborted or completed.");
}
}  // namespace

Result<std::string> S3Store::put_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                      int part_number, std::string_view bytes) {
  if (part_number < 1 || part_number > 10000) {
    return fail(s3_error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"));
  }
  std::string md5_hex = hex_encode(md5(bytes));
  std::string previous_blob;
  std::string blob;
  {
    auto lock = m_blobs->hold();
    auto put = m_blobs->put(bytes);
    if (!put) return fail(put.error());
    blob = *put;
    auto stored = m_db->transaction([&]() -> Result<void> {
      if (auto ok = require_bucket(bucket); !ok) return ok;
      auto up = m_db->query("SELECT 1 FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
                            {upload_id, bucket, key});
      if (!up) return fail(up.error());
      if (up->empty()) return fail(no_such_upload());
      auto old = m_db->query("SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?",
                             {upload_id, int64_t{part_number}});
      if (!old) return fail(old.error());
      if (!old->empty()) previous_blob = text_of((*old)[0][0]);
      return m_db->exec("INSERT OR REPLACE INTO parts (upload_id, part_number, blob, size, md5_hex) VALUES (?, ?, ?, ?, ?)",
                        {upload_id, int64_t{part_number}, blob, static_cast<int64_t>(bytes.size()), md5_hex});
    });
    if (!stored) {
      lock.unlock();
      release_blobs({blob});
      return fail(stored.error());
    }
  }
  if (!previous_blob.empty() && previous_blob != blob) release_blobs({previous_blob});
  return "\"" + md5_hex + "\"";
}

Result<ObjectMeta> S3Store::complete_upload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id, const std::vector<CompletedPart>& parts,
                                            const WriteCondition& condition) {
  if (auto ok = require_bucket(bucket); !ok) return fail(ok.error());
  WriteCondition guard = condition;
  if (auto ok = precheck(bucket, key, guard); !ok) return fail(ok.error());
  auto up = m_db->query("SELECT headers_json FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
                        {upload_id, bucket, key});
  if (!up) return fail(up.error());
  if (up->empty()) return fail(no_such_upload());
  HeaderPairs headers = parse_string_pairs_json(text_of((*up)[0][0]));
  auto rows = m_db->query("SELECT part_number, blob, size, md5_hex FROM parts WHERE upload_id = ? ORDER BY part_number",
                          {upload_id});
  if (!rows) return fail(rows.error());
  std::vector<UploadPart> stored;
  for (const auto& r : *rows) {
    stored.push_back({static_cast<int>(int_of(r[0])), text_of(r[1]), int_of(r[2]), text_of(r[3])});
  }
  auto find = [&](int number) -> const UploadPart* {
    for (const auto& p : stored) {
      if (p.part_number == number) return &p;
    }
    return nullptr;
  };
  std::vector<std::string> raw_md5s;
  std::vector<const UploadPart*> chosen;
  int previous = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (part.part_number <= previous) {
      return fail(s3_error(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list "
                                                    "must be specified in order by part number."));
    }
    previous = part.part_number;
    const UploadPart* found = find(part.part_number);
    if (!found || found->md5_hex != part.etag) {
      return fail(s3_error(400, "InvalidPart", "One or more of the specified parts could not be found. The part may "
                                               "not have been uploaded, or the specified entity tag may not match "
                                               "the part's entity tag."));
    }
    if (i + 1 < parts.size() && found->size < k_min_part_size) {
      return fail(s3_error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"));
    }
    chosen.push_back(found);
  }
  std::string bytes;
  int64_t total = 0;
  for (const auto* p : chosen) total += p->size;
  bytes.reserve(static_cast<size_t>(total));
  for (const auto* p : chosen) {
    auto lock = m_blobs->hold();
    auto data = m_blobs->get(p->blob);
    if (!data) return fail(s3_error(500, "InternalError", "part data unreadable: " + data.error().message));
    bytes += *data;
    std::string raw;
    auto decoded = p->md5_hex;
    for (size_t i = 0; i + 1 < decoded.size(); i += 2) raw += static_cast<char>(std::stoi(decoded.substr(i, 2), nullptr, 16));
    raw_md5s.push_back(raw);
  }
  ObjectMeta meta;
  meta.bucket = bucket;
  meta.key = key;
  meta.size = static_cast<int64_t>(bytes.size());
  meta.etag = multipart_etag(raw_md5s);
  auto now = system_clock().now();
  meta.last_modified = format_iso8601_ms(now);
  meta.last_modified_ms = to_epoch_ms(now);
  meta.headers = std::move(headers);
  std::vector<std::string> released;
  {
    auto lock = m_blobs->hold();
    auto blob = m_blobs->put(bytes);
    if (!blob) return fail(blob.error());
    meta.blob = *blob;
    auto done = m_db->transaction([&]() -> Result<void> {
      auto still = m_db->query("SELECT 1 FROM uploads WHERE upload_id = ?", {upload_id});
      if (!still) return fail(still.error());
      if (still->empty()) return fail(no_such_upload());
      if (auto ok = recheck(bucket, key, guard); !ok) return ok;
      auto old = m_db->query("SELECT blob FROM objects WHERE bucket = ? AND key = ?", {bucket, key});
      if (!old) return fail(old.error());
      if (!old->empty()) released.push_back(text_of((*old)[0][0]));
      auto part_blobs = m_db->query("SELECT blob FROM parts WHERE upload_id = ?", {upload_id});
      if (!part_blobs) return fail(part_blobs.error());
      for (const auto& r : *part_blobs) released.push_back(text_of(r[0]));
      if (auto ok = m_db->exec("DELETE FROM parts WHERE upload_id = ?", {upload_id}); !ok) return ok;
      if (auto ok = m_db->exec("DELETE FROM uploads WHERE upload_id = ?", {upload_id}); !ok) return ok;
      return m_db->exec(std::string("INSERT OR REPLACE INTO objects (") + k_object_columns +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {bucket, key, meta.blob, meta.size, meta.etag, meta.last_modified, meta.last_modified_ms,
                         string_pairs_json(meta.headers), string_pairs_json(meta.checksums)});
    });
    if (!done) {
      lock.unlock();
      release_blobs({meta.blob});
      return fail(done.error());
    }
  }
  release_blobs(released);
  return meta;
}

Result<void> S3Store::abort_upload(const std::string& bucket, const std::string& key, const std::string& upload_id) {
  std::vector<std::string> released;
  auto done = m_db->transaction([&]() -> Result<void> {
    if (auto ok = require_bucket(bucket); !ok) return ok;
    auto up = m_db->query("SELECT 1 FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
                          {upload_id, bucket, key});
    if (!up) return fail(up.error());
    if (up->empty()) return fail(no_such_upload());
    auto part_blobs = m_db->query("SELECT blob FROM parts WHERE upload_id = ?", {upload_id});
    if (!part_blobs) return fail(part_blobs.error());
    for (const auto& r : *part_blobs) released.push_back(text_of(r[0]));
    if (auto ok = m_db->exec("DELETE FROM parts WHERE upload_id = ?", {upload_id}); !ok) return ok;
    return m_db->exec("DELETE FROM uploads WHERE upload_id = ?", {upload_id});
  });
  if (!done) return done;
  release_blobs(released);
  return {};
}

}  // namespace lcd::local::s3
