/* state.c: the progress state file (see state.h). */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/full_io.h"

cJSON *state_load(const char *path, int *reset)
{
	*reset = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cJSON *root = NULL;
	if (fd >= 0) {
		char *text;
		size_t len;
		int rc = read_all(fd, 64u << 20, &text, &len);
		int saved = errno;
		close(fd);
		if (rc < 0) {
			errno = saved;
			return NULL;
		}
		root = cJSON_Parse(text);
		free(text);
		cJSON *v = root ? cJSON_GetObjectItem(root, "version") : NULL;
		if (!cJSON_IsObject(root) || !cJSON_IsNumber(v) || v->valueint != STATE_VERSION) {
			cJSON_Delete(root);
			root = NULL;
			*reset = 1;
		}
	} else if (errno != ENOENT) {
		return NULL;
	}
	if (!root) {
		root = cJSON_CreateObject();
		if (!root || !cJSON_AddNumberToObject(root, "version", STATE_VERSION) ||
		    !cJSON_AddObjectToObject(root, "labs")) {
			cJSON_Delete(root);
			errno = ENOMEM;
			return NULL;
		}
	}
	return root;
}

/* mkdir -p of the folder that holds path. */
static int make_parent(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (dir[0] && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int state_save(const char *path, const cJSON *root)
{
	if (make_parent(path) < 0)
		return -1;
	char *text = cJSON_Print(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int saved = errno;
		free(text);
		errno = saved;
		return -1;
	}
	size_t len = strlen(text);
	int ok = write_full(fd, text, len) == (ssize_t)len && write_full(fd, "\n", 1) == 1;
	int saved = errno;
	free(text);
	if (close(fd) < 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (!ok || rename(tmp, path) < 0) {
		if (ok)
			saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int state_lock(const char *path)
{
	if (make_parent(path) < 0)
		return -1;
	char lock[4200];
	snprintf(lock, sizeof lock, "%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	return fd;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing the last descriptor releases the lock */
}

cJSON *state_labs(cJSON *root)
{
	cJSON *labs = cJSON_GetObjectItem(root, "labs");
	if (cJSON_IsObject(labs))
		return labs;
	cJSON_DeleteItemFromObject(root, "labs");
	return cJSON_AddObjectToObject(root, "labs");
}

cJSON *state_lab(const cJSON *root, const char *lab_dir)
{
	cJSON *labs = cJSON_GetObjectItem(root, "labs");
	cJSON *lab = cJSON_IsObject(labs) ? cJSON_GetObjectItem(labs, lab_dir) : NULL;
	return cJSON_IsObject(lab) ? lab : NULL;
}

/* ---- fingerprint: FNV-1a over names and contents ---- */

static void fnv(uint64_t *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= 1099511628211ULL;
	}
}

/* Mixes in a file's name and its contents (or that it is unreadable). */
static void fnv_file(uint64_t *h, const char *label, const char *path)
{
	fnv(h, label, strlen(label) + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	if (fd >= 0 && read_all(fd, 64u << 20, &text, &len) == 0) {
		fnv(h, "=", 1);
		fnv(h, text, len);
	} else {
		fnv(h, fd >= 0 ? "!unreadable" : "!absent", fd >= 0 ? 11 : 7);
	}
	free(text);
	if (fd >= 0)
		close(fd);
	fnv(h, "", 1);
}

static int source_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 2 && e->d_name[n - 2] == '.' &&
	       (e->d_name[n - 1] == 'c' || e->d_name[n - 1] == 'h');
}

int lab_fingerprint(const char *impl, const char *tests_dir, const char *hidden_dir,
		    const char *lab_dir, char out[FINGERPRINT_LEN + 1])
{
	uint64_t h = 14695981039346656037ULL;
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", impl, lab_dir);
	struct dirent **names = NULL;
	int n = scandir(path, &names, source_name, alphasort);
	if (n < 0) {
		fnv(&h, "!no lab folder", 14);
	} else {
		for (int i = 0; i < n; i++) {
			char file[4500];
			snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
			struct stat st;
			/* Only regular files are compiled (a folder named x.c
			 * is not a source). */
			if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
				fnv_file(&h, names[i]->d_name, file);
			free(names[i]);
		}
		free(names);
	}
	snprintf(path, sizeof path, "%s/%s.c", tests_dir, lab_dir);
	fnv_file(&h, "#suite", path);
	if (hidden_dir) {
		snprintf(path, sizeof path, "%s/%s.c", hidden_dir, lab_dir);
		if (access(path, F_OK) == 0)
			fnv_file(&h, "#hidden", path);
	}
	snprintf(out, FINGERPRINT_LEN + 1, "%016llx", (unsigned long long)h);
	return 0;
}
