/*
 * Proofshot's AppImage runtime (type 2): the small ELF program at the front of
 * Proofshot-VERSION-x86_64.AppImage, followed by a squashfs image of the AppDir.
 *
 * Why our own: the AppImage project's prebuilt runtime and appimagetool are downloads
 * from outside the package registries this project may use. This runtime is built from
 * Debian's packages only (libsquashfuse-dev, libfuse3-dev and the compression libraries,
 * all linked statically, so the target needs only glibc, and fusermount3 to mount), and
 * follows the type-2 format: the ELF header carries "AI\x02" at offset 8, the squashfs
 * starts where the ELF file ends, and the image is mounted (FUSE) or extracted before
 * its AppRun is executed with APPIMAGE, APPDIR, ARGV0 and OWD set.
 *
 * Usage: like any AppImage. Options (only as the first argument):
 *   --appimage-extract [PATTERN]  extract (matching paths) to ./squashfs-root
 *   --appimage-extract-and-run    run without FUSE, from an extracted copy in $TMPDIR
 *   --appimage-mount              mount, print the mount point, wait for Ctrl+C
 *   --appimage-offset             print where the squashfs starts
 *   --appimage-help, --appimage-version
 * Without FUSE (containers, no fusermount3) it falls back to extract-and-run by itself,
 * as does APPIMAGE_EXTRACT_AND_RUN=1.
 *
 * Build: packaging/linux/appimage-runtime/build.sh (called by scripts/package.sh).
 */
#define _GNU_SOURCE
#include <config.h>
#include <squashfuse.h>
#include <ll.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNTIME_VERSION "proofshot-appimage-runtime 1"

/* Sections AppImage tools look for (update information, signature, key); left empty. */
__attribute__((section(".upd_info"), used)) static const char upd_info[1024];
__attribute__((section(".sha256_sig"), used)) static const char sha256_sig[1024];
__attribute__((section(".sig_key"), used)) static const char sig_key[8192];

static const char *tmp_dir(void) {
    const char *t = getenv("TMPDIR");
    return (t && *t) ? t : "/tmp";
}

/* Where the squashfs starts: the end of the ELF file (section or program data, whichever is
 * last). The runtime itself is never stripped of its section headers, so this is exact. */
static off_t elf_end(int fd) {
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64)
        return -1;
    off_t end = (off_t)eh.e_shoff + (off_t)eh.e_shentsize * eh.e_shnum;
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        off_t at = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
        if (pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)
            return -1;
        if ((off_t)(ph.p_offset + ph.p_filesz) > end)
            end = (off_t)(ph.p_offset + ph.p_filesz);
    }
    return end;
}

static int mkdir_p(const char *path, mode_t mode) {
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, mode) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return (mkdir(buf, mode) != 0 && errno != EEXIST) ? -1 : 0;
}

static int mkdir_parent(const char *path) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return 0;
    *slash = '\0';
    return mkdir_p(buf, 0755);
}

static int write_file(sqfs *fs, sqfs_inode *inode, const char *path) {
    static char chunk[1 << 20];
    unlink(path);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0)
        return -1;
    sqfs_off_t total = (sqfs_off_t)inode->xtra.reg.file_size;
    for (sqfs_off_t done = 0; done < total;) {
        sqfs_off_t n = total - done < (sqfs_off_t)sizeof chunk ? total - done : (sqfs_off_t)sizeof chunk;
        if (sqfs_read_range(fs, inode, done, &n, chunk) != SQFS_OK || n <= 0) {
            close(out);
            return -1;
        }
        for (sqfs_off_t w = 0; w < n;) {
            ssize_t k = write(out, chunk + w, (size_t)(n - w));
            if (k < 0) {
                close(out);
                return -1;
            }
            w += k;
        }
        done += n;
    }
    if (fchmod(out, inode->base.mode & 07777) != 0) {
        close(out);
        return -1;
    }
    return close(out);
}

/* Extract the image (or the paths matching `pattern`) into `dest`. */
static int extract(const char *image, off_t offset, const char *dest, const char *pattern) {
    sqfs fs;
    if (sqfs_open_image(&fs, image, (size_t)offset) != SQFS_OK) {
        fprintf(stderr, "%s: cannot read the squashfs image inside this AppImage\n", image);
        return -1;
    }
    if (mkdir_p(dest, 0755) != 0) {
        perror(dest);
        sqfs_destroy(&fs);
        return -1;
    }
    sqfs_traverse trv;
    sqfs_err err = sqfs_traverse_open(&trv, &fs, sqfs_inode_root(&fs));
    int failed = err != SQFS_OK;
    while (!failed && sqfs_traverse_next(&trv, &err)) {
        if (trv.dir_end)
            continue;
        if (pattern && fnmatch(pattern, trv.path, 0) != 0)
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dest, trv.path) >= (int)sizeof path) {
            failed = 1;
            break;
        }
        sqfs_inode inode;
        if (sqfs_inode_get(&fs, &inode, sqfs_dentry_inode(&trv.entry)) != SQFS_OK) {
            failed = 1;
            break;
        }
        switch (inode.base.inode_type) {
        case SQUASHFS_DIR_TYPE:
        case SQUASHFS_LDIR_TYPE:
            failed = mkdir_p(path, 0755) != 0;
            break;
        case SQUASHFS_REG_TYPE:
        case SQUASHFS_LREG_TYPE:
            failed = mkdir_parent(path) != 0 || write_file(&fs, &inode, path) != 0;
            break;
        case SQUASHFS_SYMLINK_TYPE:
        case SQUASHFS_LSYMLINK_TYPE: {
            char target[PATH_MAX];
            size_t size = sizeof target;
            if (inode.xtra.symlink_size + 1 > sizeof target ||
                sqfs_readlink(&fs, &inode, target, &size) != SQFS_OK) {
                failed = 1;
                break;
            }
            unlink(path);
            failed = mkdir_parent(path) != 0 || symlink(target, path) != 0;
            break;
        }
        default: /* devices, fifos and sockets have no place in an AppDir */
            break;
        }
        if (failed)
            perror(path);
    }
    if (err != SQFS_OK)
        failed = 1;
    sqfs_traverse_close(&trv);
    sqfs_destroy(&fs);
    return failed ? -1 : 0;
}

static void set_env(const char *self, const char *appdir, const char *argv0) {
    char cwd[PATH_MAX];
    setenv("APPIMAGE", self, 1);
    setenv("APPDIR", appdir, 1);
    setenv("ARGV0", argv0, 1);
    if (getcwd(cwd, sizeof cwd))
        setenv("OWD", cwd, 1);
}

static int exec_apprun(const char *self, const char *appdir, int argc, char **argv) {
    char apprun[PATH_MAX];
    snprintf(apprun, sizeof apprun, "%s/AppRun", appdir);
    set_env(self, appdir, argv[0]);
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
        return 1;
    args[0] = apprun;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    execv(apprun, args);
    perror(apprun);
    return 127;
}

/* A key for this image's contents: FNV-1a over the squashfs's last 64 KiB (its inode,
 * directory and id tables, which change with any file) and its size. Reproducible builds
 * zero the squashfs build time, so that cannot serve as the key. */
static unsigned long long image_key(const char *self, off_t offset) {
    static unsigned char tail[65536];
    unsigned long long h = 1469598103934665603ULL;
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size - (off_t)sizeof tail > offset ? size - (off_t)sizeof tail : offset;
    ssize_t n = pread(fd, tail, (size_t)(size - from), from);
    close(fd);
    for (ssize_t i = 0; i < n; i++)
        h = (h ^ tail[i]) * 1099511628211ULL;
    return h ^ (unsigned long long)size;
}

/* Run from an extracted copy: kept in $TMPDIR, keyed by the image's contents, and reused by
 * later runs of the same AppImage (extracting a Qt bundle takes seconds). */
static int run_extracted(const char *self, off_t offset, int argc, char **argv) {
    char dir[PATH_MAX - 64], marker[PATH_MAX], staging[PATH_MAX - 32];
    snprintf(dir, sizeof dir, "%s/appimage_extracted_proofshot_%016llx", tmp_dir(),
             image_key(self, offset));
    snprintf(marker, sizeof marker, "%s/.extracted", dir);
    if (access(marker, F_OK) != 0) {
        snprintf(staging, sizeof staging, "%s.%ld", dir, (long)getpid());
        if (extract(self, offset, staging, NULL) != 0)
            return 1;
        char staged_marker[PATH_MAX];
        snprintf(staged_marker, sizeof staged_marker, "%s/.extracted", staging);
        int fd = open(staged_marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
        if (rename(staging, dir) != 0 && access(marker, F_OK) != 0) {
            perror(dir);
            return 1;
        }
    }
    return exec_apprun(self, dir, argc, argv);
}

static struct fuse_lowlevel_ops squashfs_ops(void) {
    struct fuse_lowlevel_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.getattr = sqfs_ll_op_getattr;
    ops.opendir = sqfs_ll_op_opendir;
    ops.releasedir = sqfs_ll_op_releasedir;
    ops.readdir = sqfs_ll_op_readdir;
    ops.lookup = sqfs_ll_op_lookup;
    ops.open = sqfs_ll_op_open;
    ops.create = sqfs_ll_op_create;
    ops.release = sqfs_ll_op_release;
    ops.read = sqfs_ll_op_read;
    ops.readlink = sqfs_ll_op_readlink;
    ops.listxattr = sqfs_ll_op_listxattr;
    ops.getxattr = sqfs_ll_op_getxattr;
    ops.forget = sqfs_ll_op_forget;
    ops.statfs = stfs_ll_op_statfs;
    return ops;
}

/* Mount the image in a child process that serves FUSE until this process (the app, after
 * exec) ends: the child asks the kernel for SIGHUP when its parent dies, then unmounts.
 * Returns only when mounting failed (so the caller can fall back to extraction). */
static int run_mounted(const char *self, off_t offset, int argc, char **argv, int wait_only) {
    char mnt[PATH_MAX];
    snprintf(mnt, sizeof mnt, "%s/.mount_ProofshotXXXXXX", tmp_dir());
    if (!mkdtemp(mnt))
        return -1;
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(ready[0]);
        prctl(PR_SET_PDEATHSIG, SIGHUP);
        if (getppid() != parent)
            _exit(0);
        setpgid(0, 0); /* Ctrl+C reaches the app, not the file system it runs from */
        sqfs_ll *ll = sqfs_ll_open(self, (size_t)offset);
        if (!ll)
            _exit(1);
        struct fuse_lowlevel_ops ops = squashfs_ops();
        char *fargv[] = {(char *)"proofshot-appimage", (char *)"-o", (char *)"ro,nodev,nosuid", NULL};
        struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
        sqfs_ll_chan ch;
        /* fuse_session_mount may print why it failed (no /dev/fuse, no fusermount3). */
        if (sqfs_ll_mount(&ch, mnt, &args, &ops, sizeof ops, ll) != SQFS_OK)
            _exit(1);
        if (fuse_set_signal_handlers(ch.session) != 0)
            _exit(1);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) { /* a caller reading our output must not wait for this server */
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
            close(devnull);
        }
        if (write(ready[1], "1", 1) != 1)
            _exit(1);
        close(ready[1]);
        fuse_session_loop(ch.session);
        /* The parent-death signal fires again each time a new parent (a subreaper, the
         * shell) dies; from here on nothing may interrupt the unmount and the rmdir. */
        prctl(PR_SET_PDEATHSIG, 0);
        fuse_remove_signal_handlers(ch.session);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        sqfs_ll_unmount(&ch, mnt);
        rmdir(mnt);
        _exit(0);
    }
    close(ready[1]);
    char c;
    ssize_t n;
    do
        n = read(ready[0], &c, 1);
    while (n < 0 && errno == EINTR);
    close(ready[0]);
    if (n != 1) {
        waitpid(pid, NULL, 0);
        rmdir(mnt);
        return -1;
    }
    if (wait_only) {
        printf("%s\n", mnt);
        fflush(stdout);
        int status;
        waitpid(pid, &status, 0);
        return 0;
    }
    return exec_apprun(self, mnt, argc, argv);
}

static void usage(const char *self) {
    printf("%s: Proofshot AppImage (%s)\n"
           "  --appimage-extract [PATTERN]  extract the contents to ./squashfs-root\n"
           "  --appimage-extract-and-run    run without FUSE from an extracted copy\n"
           "  --appimage-mount              mount and print the mount point\n"
           "  --appimage-offset             print the squashfs offset\n"
           "  --appimage-version            print the runtime version\n",
           self, RUNTIME_VERSION);
}

int main(int argc, char **argv) {
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        perror("/proc/self/exe");
        return 1;
    }
    self[len] = '\0';
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    off_t offset = fd >= 0 ? elf_end(fd) : -1;
    if (fd >= 0)
        close(fd);
    if (offset <= 0) {
        fprintf(stderr, "%s: not a readable AppImage\n", self);
        return 1;
    }
    if (argc > 1 && strncmp(argv[1], "--appimage-", 11) == 0) {
        const char *opt = argv[1] + 11;
        if (strcmp(opt, "offset") == 0) {
            printf("%lld\n", (long long)offset);
            return 0;
        }
        if (strcmp(opt, "extract") == 0)
            return extract(self, offset, "squashfs-root", argc > 2 ? argv[2] : NULL) == 0 ? 0 : 1;
        if (strcmp(opt, "extract-and-run") == 0) {
            argv[1] = argv[0];
            return run_extracted(self, offset, argc - 1, argv + 1);
        }
        if (strcmp(opt, "mount") == 0)
            return run_mounted(self, offset, argc, argv, 1) == 0 ? 0 : 1;
        if (strcmp(opt, "version") == 0) {
            printf("%s\n", RUNTIME_VERSION);
            return 0;
        }
        if (strcmp(opt, "help") == 0) {
            usage(self);
            return 0;
        }
        fprintf(stderr, "%s: unknown option %s (see --appimage-help)\n", self, argv[1]);
        return 2;
    }
    const char *ear = getenv("APPIMAGE_EXTRACT_AND_RUN");
    if (ear && strcmp(ear, "1") == 0)
        return run_extracted(self, offset, argc, argv);
    run_mounted(self, offset, argc, argv, 0);
    fprintf(stderr, "%s: FUSE is not available here (needs /dev/fuse and fusermount3); "
                    "running from an extracted copy in %s instead\n", self, tmp_dir());
    return run_extracted(self, offset, argc, argv);
}
