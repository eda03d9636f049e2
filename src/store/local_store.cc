#include "store/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <random>
#include <utility>

#include "aws/crypto.h"
#include "common/error.h"
#include "store/object_key.h"

namespace snaplake::store {
namespace {

namespace fs = std::filesystem;

constexpr size_t kWriteBuffer = 1 << 20;       // fewer, larger write(2) calls
constexpr size_t kKernelCopyChunk = 64 << 20;  // per copy_file_range(2) call

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes and reports the error close(2) may carry (deferred write errors on some filesystems).
  int close() {
    int rc = ::close(std::exchange(fd_, -1));
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_ = -1;
};

std::string quoted(const fs::path& path) {
  return fmt::format("'{}'", path.string());
}

void make_folders(const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) fail(ErrorKind::Io, "cannot create folder '{}': {}", folder.string(), ec.message());
}

void fsync_folder(const fs::path& folder) {
  Fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return;  // best effort: some filesystems do not allow opening folders
  ::fsync(fd.get());
}

std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> dist;
  return fmt::format("{:016x}", dist(device));
}

// A temp file, fsynced and closed, waiting to be renamed into place.
class LocalStaged final : public StagedObject {
 public:
  LocalStaged(fs::path target, fs::path temp, uint64_t size)
      : target_(std::move(target)), temp_(std::move(temp)), size_(size) {}
  ~LocalStaged() override { discard(); }

  void publish() override {
    if (done_) fail(ErrorKind::Internal, "cannot publish '{}' twice", target_.string());
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      int err = errno;
      discard();
      fail_errno(err, "cannot rename into " + quoted(target_));
    }
    done_ = true;
    fsync_folder(target_.parent_path());
  }
  void discard() noexcept override {
    if (done_) return;
    done_ = true;
    ::unlink(temp_.c_str());
  }
  uint64_t size() const override { return size_; }

 private:
  fs::path target_;
  fs::path temp_;
  uint64_t size_;
  bool done_ = false;
};

class LocalUpload final : public Upload {
 public:
  LocalUpload(fs::path target, fs::path temp, Fd fd)
      : target_(std::move(target)), temp_(std::move(temp)), fd_(std::move(fd)) {
    buffer_.reserve(kWriteBuffer);
  }
  ~LocalUpload() override { abort(); }

  void write(std::span<const uint8_t> bytes) override {
    if (!fd_)
      fail(ErrorKind::Internal, "cannot write '{}': upload already closed", target_.string());
    if (buffer_.size() + bytes.size() > kWriteBuffer) {
      flush();
      if (bytes.size() >= kWriteBuffer) {
        write_all(bytes);
        position_ += bytes.size();
        return;
      }
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    position_ += bytes.size();
  }

  void commit() override { stage()->publish(); }

  std::unique_ptr<StagedObject> stage() override {
    if (!fd_)
      fail(ErrorKind::Internal, "cannot commit '{}': upload already closed", target_.string());
    try {
      flush();
      if (::fsync(fd_.get()) != 0) fail_errno(errno, "cannot write " + quoted(target_));
      if (int err = fd_.close()) fail_errno(err, "cannot write " + quoted(target_));
      committed_ = true;  // the temp file belongs to the staged object now
    } catch (...) {
      abort();
      throw;
    }
    return std::make_unique<LocalStaged>(target_, temp_, position_);
  }

  void abort() noexcept override {
    if (committed_ || aborted_) return;
    aborted_ = true;
    fd_.reset();
    ::unlink(temp_.c_str());
    buffer_.clear();
  }

  uint64_t position() const override { return position_; }

  // Appends `size` bytes of the file open at `source` in the kernel (copy_file_range(2), which
  // can share extents on file systems that support it), falling back to pread/write where the
  // kernel cannot (e.g. across some file systems). Returns the bytes appended.
  uint64_t append_file(int source, uint64_t size, const fs::path& source_path) {
    if (!fd_)
      fail(ErrorKind::Internal, "cannot write '{}': upload already closed", target_.string());
    flush();
    off_t in = 0;
    bool kernel_copy = true;
    std::vector<uint8_t> chunk;
    while (static_cast<uint64_t>(in) < size) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(size - in, kKernelCopyChunk));
      ssize_t n;
      if (kernel_copy) {
        n = ::copy_file_range(source, &in, fd_.get(), nullptr, want, 0);
        if (n < 0 &&
            (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
          kernel_copy = false;
          continue;
        }
      } else {
        chunk.resize(std::min<size_t>(want, kWriteBuffer));
        n = ::pread(source, chunk.data(), chunk.size(), in);
        if (n > 0) {
          write_all(std::span(chunk.data(), static_cast<size_t>(n)));
          in += n;
        }
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        fail_errno(errno, "cannot copy " + quoted(source_path) + " to " + quoted(target_));
      }
      if (n == 0) {
        fail(ErrorKind::Conflict, "cannot copy '{}': it shrank while copying (at byte {} of {})",
             source_path.string(), static_cast<uint64_t>(in), size);
      }
    }
    position_ += size;
    return size;
  }

 private:
  void flush() {
    write_all(buffer_);
    buffer_.clear();
  }

  void write_all(std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        fail_errno(errno, "cannot write " + quoted(target_));
      }
      bytes = bytes.subspan(static_cast<size_t>(n));
    }
  }

  fs::path target_;
  fs::path temp_;
  Fd fd_;
  std::vector<uint8_t> buffer_;
  uint64_t position_ = 0;
  bool committed_ = false;
  bool aborted_ = false;
};

void remove_empty_folders(const fs::path& root, fs::path folder) {
  // Like S3, where a "folder" exists only while objects are under it. rmdir(2) refuses a
  // non-empty folder, so this never removes anything another upload is using.
  while (folder != root && folder.string().size() > root.string().size()) {
    if (::rmdir(folder.c_str()) != 0) return;
    folder = folder.parent_path();
  }
}

// Lists the objects under folder whose keys start with filter into out; with temp_files, the
// temp files of uploads under it (whatever their state) go there instead.
void walk(const fs::path& folder, const std::string& key_prefix, std::string_view filter,
          std::vector<ObjectInfo>& out,
          std::vector<std::pair<fs::path, std::string>>* temp_files = nullptr) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    fail_errno(errno, "cannot list " + quoted(folder));
  }
  std::unique_ptr<DIR, int (*)(DIR*)> guard(dir, ::closedir);
  while (true) {
    errno = 0;
    dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) fail_errno(errno, "cannot list " + quoted(folder));
      break;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (is_lock_name(name)) continue;  // put_if()'s lock of a key: not an object
    if (is_temp_name(name)) {
      // ".<name>.tmp-<suffix>" is an upload to the key <name> in this folder.
      std::string target = key_prefix + std::string(name.substr(1, name.rfind(".tmp-") - 1));
      if (temp_files != nullptr && target.starts_with(filter))
        temp_files->emplace_back(folder / name, std::move(target));
      continue;
    }
    std::string key = key_prefix + std::string(name);
    // Prune folders that cannot contain a match, and files that do not match.
    bool could_match =
        key.size() >= filter.size() ? key.starts_with(filter) : filter.starts_with(key);
    if (!could_match) continue;
    struct stat st {};
    fs::path path = folder / name;
    if (::fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we listed
      fail_errno(errno, "cannot list " + quoted(path));
    }
    if (S_ISDIR(st.st_mode)) {
      walk(path, key + "/", filter, out, temp_files);
    } else if (temp_files == nullptr && S_ISREG(st.st_mode) && key.starts_with(filter)) {
      out.push_back({key, static_cast<uint64_t>(st.st_size), {}});
    }
  }
}

// An object's file opened for reading, and its size; `verb` ("read", "copy") names the action in
// errors. A missing object or one that is not a regular file is Error(NotFound).
std::pair<Fd, uint64_t> open_object(const fs::path& path, std::string_view verb) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) {
      fail(ErrorKind::NotFound, "cannot {} '{}': no such object", verb, path.string());
    }
    fail_errno(errno, "cannot read " + quoted(path));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno(errno, "cannot read " + quoted(path));
  if (!S_ISREG(st.st_mode))
    fail(ErrorKind::NotFound, "cannot {} '{}': not a file", verb, path.string());
  return {std::move(fd), static_cast<uint64_t>(st.st_size)};
}

// The whole file behind fd.
std::string read_all(int fd, const fs::path& path) {
  std::string out;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno(errno, "cannot read " + quoted(path));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

// A folder has no ETags: a small object's version is the digest of its bytes. The objects written
// with put_if() carry a unique attempt id, so two writes never give the same bytes by accident.
std::string version_of(std::string_view bytes) {
  return aws::sha256_hex(bytes);
}

// An exclusive lock of one folder, for conditional writes and for removing upload leftovers:
// flock(2) of the folder itself, so no lock file is left in the layout; where a folder cannot be
// locked (NFS maps flock to byte-range locks, which need a file open for writing) flock of a
// hidden lock file in it, ".folder.snaplake-lock", which stays (removing it would let two writers
// lock two inodes). Released when destroyed (or when the process dies).
class FolderLock {
 public:
  // nullopt when the folder does not exist (any more).
  static std::optional<FolderLock> take(const fs::path& folder) {
    Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
      if (errno == ENOENT) return std::nullopt;
      fail_errno(errno, "cannot lock " + quoted(folder));
    }
    Fd file;
    int rc;
    while ((rc = ::flock(dir.get(), LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
      if (errno != EBADF && errno != EINVAL && errno != ENOLCK && errno != EOPNOTSUPP)
        fail_errno(errno, "cannot lock " + quoted(folder));
      file =
          Fd(::openat(dir.get(), lock_name("folder").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
      if (!file) {
        if (errno == ENOENT) return std::nullopt;
        fail_errno(errno, "cannot lock " + quoted(folder));
      }
      while (::flock(file.get(), LOCK_EX) != 0) {
        if (errno != EINTR) fail_errno(errno, "cannot lock " + quoted(folder));
      }
    }
    return FolderLock(std::move(dir), std::move(file));
  }
  int dir() const { return dir_.get(); }

 private:
  FolderLock(Fd dir, Fd file) : dir_(std::move(dir)), file_(std::move(file)) {}
  Fd dir_;
  Fd file_;
};

}  // namespace

std::unique_ptr<LocalStore> LocalStore::open(std::filesystem::path root) {
  std::string text = root.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  if (text.empty()) fail(ErrorKind::InvalidInput, "invalid folder: empty path");
  return std::unique_ptr<LocalStore>(new LocalStore(fs::path(text)));
}

std::string LocalStore::describe(std::string_view key) const {
  return key.empty() ? root_.string() : path_of(key).string();
}

fs::path LocalStore::path_of(std::string_view key) const {
  return root_ / fs::path(key);
}

std::unique_ptr<Upload> LocalStore::create(std::string_view key, const WriteOptions&) {
  validate_key(key);
  fs::path target = path_of(key);
  fs::path temp =
      target.parent_path() / fmt::format(".{}.tmp-{}", target.filename().string(), random_suffix());
  // A concurrent remove() may delete an empty parent folder between mkdir and open: retry.
  for (int attempt = 0;; ++attempt) {
    make_folders(target.parent_path());
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd) return std::make_unique<LocalUpload>(std::move(target), std::move(temp), std::move(fd));
    if (errno != ENOENT || attempt == 3) fail_errno(errno, "cannot create " + quoted(target));
  }
}

std::optional<ObjectInfo> LocalStore::head(std::string_view key) {
  validate_key(key);
  fs::path path = path_of(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    fail_errno(errno, "cannot stat " + quoted(path));
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size), {}};
}

std::string LocalStore::read(std::string_view key, uint64_t offset,
                             std::optional<uint64_t> length) {
  validate_key(key);
  fs::path path = path_of(key);
  auto [fd, size] = open_object(path, "read");
  if (offset > size) {
    fail(ErrorKind::InvalidInput, "cannot read '{}': offset {} is past the end ({} bytes)",
         path.string(), offset, size);
  }
  uint64_t count = std::min(length.value_or(size - offset), size - offset);
  std::string out(count, '\0');
  uint64_t done = 0;
  while (done < count) {
    ssize_t n =
        ::pread(fd.get(), out.data() + done, count - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno(errno, "cannot read " + quoted(path));
    }
    if (n == 0) break;  // truncated while we read
    done += static_cast<uint64_t>(n);
  }
  out.resize(done);
  return out;
}

void LocalStore::walk_prefix(std::string_view prefix, std::vector<ObjectInfo>& objects,
                             std::vector<std::pair<fs::path, std::string>>* temp_files) const {
  validate_prefix(prefix);
  size_t slash = prefix.rfind('/');
  std::string folder_key =
      slash == std::string_view::npos ? "" : std::string(prefix.substr(0, slash + 1));
  walk(folder_key.empty() ? root_ : path_of(folder_key.substr(0, folder_key.size() - 1)),
       folder_key, prefix, objects, temp_files);
}

std::vector<ObjectInfo> LocalStore::list(std::string_view prefix) {
  std::vector<ObjectInfo> out;
  walk_prefix(prefix, out, nullptr);
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

size_t LocalStore::remove_incomplete(std::string_view prefix,
                                     const std::function<bool(std::string_view key)>& keep) {
  std::vector<ObjectInfo> unused;
  std::vector<std::pair<fs::path, std::string>> temp_files;
  walk_prefix(prefix, unused, &temp_files);
  std::map<fs::path, std::vector<std::string>> by_folder;
  for (const auto& [path, target] : temp_files) {
    if (keep && keep(target)) continue;
    by_folder[path.parent_path()].push_back(path.filename().string());
  }
  size_t removed = 0;
  for (const auto& [folder, names] : by_folder) {
    // Under the folder's lock: a conditional write in progress holds it for as long as its temp
    // file exists, so only a dead process's temp file can be seen here.
    auto lock = FolderLock::take(folder);
    if (!lock) continue;
    for (const auto& name : names) {
      if (::unlinkat(lock->dir(), name.c_str(), 0) == 0) {
        ++removed;
      } else if (errno != ENOENT) {
        fail_errno(errno, "cannot remove " + quoted(folder / name));
      }
    }
  }
  for (const auto& [folder, names] : by_folder) remove_empty_folders(root_, folder);
  return removed;
}

std::optional<VersionedObject> LocalStore::read_versioned(std::string_view key) {
  validate_key(key);
  fs::path path = path_of(key);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    fail_errno(errno, "cannot read " + quoted(path));
  }
  std::string bytes = read_all(fd.get(), path);
  std::string version = version_of(bytes);
  return VersionedObject{std::move(bytes), std::move(version)};
}

std::optional<std::string> LocalStore::put_if(std::string_view key, std::string_view bytes,
                                              const Precondition& condition, const WriteOptions&) {
  validate_key(key);
  fs::path target = path_of(key);
  const std::string name = target.filename().string();
  // Everything happens relative to the locked folder's descriptor (openat, renameat): if the
  // folder is removed and made anew meanwhile, creating the temp file in the old one fails and
  // the write starts again, so the lock always covers the folder written to.
  for (int attempt = 0;; ++attempt) {
    make_folders(target.parent_path());
    auto lock = FolderLock::take(target.parent_path());
    if (!lock) {
      if (attempt == 3)
        fail(ErrorKind::Io, "cannot lock '{}': it keeps vanishing", target.string());
      continue;
    }
    std::optional<std::string> current;
    if (Fd in(::openat(lock->dir(), name.c_str(), O_RDONLY | O_CLOEXEC)); in) {
      current = version_of(read_all(in.get(), target));
    } else if (errno != ENOENT) {
      fail_errno(errno, "cannot read " + quoted(target));
    }
    bool holds = condition.kind == Precondition::Kind::Absent
                     ? !current
                     : current && *current == condition.version;
    if (!holds) return std::nullopt;
    std::string temp = fmt::format(".{}.tmp-{}", name, random_suffix());
    Fd out(::openat(lock->dir(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!out) {
      if (errno == ENOENT && attempt < 3) continue;  // the folder went: start again
      fail_errno(errno, "cannot create " + quoted(target));
    }
    auto abandon = [&](int err, std::string_view what) {
      ::unlinkat(lock->dir(), temp.c_str(), 0);
      fail_errno(err, std::string(what) + quoted(target));
    };
    std::span<const uint8_t> rest(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    while (!rest.empty()) {
      ssize_t n = ::write(out.get(), rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        abandon(errno, "cannot write ");
      }
      rest = rest.subspan(static_cast<size_t>(n));
    }
    if (::fsync(out.get()) != 0) abandon(errno, "cannot write ");
    if (int err = out.close()) abandon(err, "cannot write ");
    if (::renameat(lock->dir(), temp.c_str(), lock->dir(), name.c_str()) != 0)
      abandon(errno, "cannot rename into ");
    ::fsync(lock->dir());
    return version_of(bytes);
  }
}

void LocalStore::remove(std::span<const std::string> keys) {
  for (const auto& key : keys) validate_key(key);
  for (const auto& key : keys) {
    fs::path path = path_of(key);
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      fail_errno(errno, "cannot remove " + quoted(path));
    }
    remove_empty_folders(root_, path.parent_path());
  }
}

std::optional<NativeLocation> LocalStore::locate(std::string_view key) const {
  validate_key(key);
  return NativeLocation{NativeLocation::Kind::File, "", "", "", path_of(key).string()};
}

std::unique_ptr<StagedObject> LocalStore::stage_native_copy(const NativeLocation& from, uint64_t,
                                                            std::string_view target_key,
                                                            const WriteOptions& options) {
  if (from.kind != NativeLocation::Kind::File) return nullptr;
  validate_key(target_key);
  fs::path path = from.path;
  auto [fd, object_size] = open_object(path, "copy");
  auto upload = create(target_key, options);
  static_cast<LocalUpload&>(*upload).append_file(fd.get(), object_size, path);
  return upload->stage();
}

bool LocalStore::native_copy(const NativeLocation& from, uint64_t size, std::string_view target_key,
                             const WriteOptions& options) {
  auto staged = stage_native_copy(from, size, target_key, options);
  if (!staged) return false;
  staged->publish();
  return true;
}

void LocalStore::copy(std::string_view source_key, std::string_view target_key,
                      const WriteOptions& options) {
  validate_key(source_key);
  validate_key(target_key);
  copy_between(*this, source_key, *this, target_key, options);
}

}  // namespace snaplake::store
