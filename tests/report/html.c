/* html.c: escaping and embedding for the report page (see html.h). */
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/full_io.h"

void html_textn(FILE *out, const char *text, size_t n)
{
	for (size_t i = 0; i < n && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				fputs("&#xfffd;", out);
			else
				fputc(c, out);
		}
	}
}

void html_text(FILE *out, const char *text)
{
	html_textn(out, text, strlen(text));
}

int html_data_uri(FILE *out, const char *path, const char *mime)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *data = NULL;
	size_t len = 0;
	/* A diagram is a few hundred KiB; 32 MiB is a generous cap. */
	int rc = read_all(fd, 32u << 20, &data, &len);
	int saved = errno;
	close(fd);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	fprintf(out, "data:%s;base64,", mime);
	const unsigned char *p = (const unsigned char *)data;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		fputc(b64[v >> 18 & 63], out);
		fputc(b64[v >> 12 & 63], out);
		fputc(i + 1 < len ? b64[v >> 6 & 63] : '=', out);
		fputc(i + 2 < len ? b64[v & 63] : '=', out);
	}
	free(data);
	return 0;
}

char *file_text(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *data = NULL;
	size_t len = 0;
	int rc = read_all(fd, max, &data, &len);
	int saved = errno;
	close(fd);
	if (rc < 0) {
		errno = saved;
		return NULL;
	}
	return data;
}

int file_nonempty(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}
