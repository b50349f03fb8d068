# WSC_CHECK_DEP(VAR, PKG-SPEC, NAME, DEBIAN-PKG)
# Checks one dependency by pkg-config and fails with how to install it.
AC_DEFUN([WSC_CHECK_DEP], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$3 ($2) was not found.
  Debian/Ubuntu: apt-get install $4   (or run scripts/install-deps)])])
])

# WSC_CHECK_LIBCURL_WS(MIN-VERSION)
# libcurl must be recent enough AND built with WebSocket support: the version
# alone is not enough, since ws/wss can be disabled at build time.
AC_DEFUN([WSC_CHECK_LIBCURL_WS], [
  PKG_CHECK_MODULES([CURL], [libcurl >= $1], [],
    [AC_MSG_ERROR([libcurl >= $1 with WebSocket support was not found.
  Debian 12: enable bookworm-backports and apt-get install -t bookworm-backports libcurl4-openssl-dev
  Debian 13/Ubuntu 25.04+: apt-get install libcurl4-openssl-dev
  (scripts/install-deps does this; Ubuntu 24.04's libcurl 8.5.0 has no WebSocket support)])])
  AC_CACHE_CHECK([whether libcurl supports ws and wss], [wsc_cv_curl_ws], [
    wsc_save_CFLAGS=$CFLAGS; wsc_save_LIBS=$LIBS
    CFLAGS="$CFLAGS $CURL_CFLAGS"; LIBS="$CURL_LIBS $LIBS"
    AC_RUN_IFELSE([AC_LANG_PROGRAM([[#include <curl/curl.h>
#include <string.h>]], [[
      const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
      int ws = 0;
      for (const char *const *p = v->protocols; p && *p; p++)
        if (!strcmp(*p, "ws")) ws = 1;
      return ws ? 0 : 1;]])],
      [wsc_cv_curl_ws=yes], [wsc_cv_curl_ws=no], [wsc_cv_curl_ws=yes])
    CFLAGS=$wsc_save_CFLAGS; LIBS=$wsc_save_LIBS])
  AS_IF([test "x$wsc_cv_curl_ws" != xyes],
    [AC_MSG_ERROR([libcurl was built without WebSocket (ws) support.
  Debian 12: apt-get install -t bookworm-backports libcurl4-openssl-dev (scripts/install-deps)])])
])
