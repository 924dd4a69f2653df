{
  "targets": [
    {
      "target_name": "tcplens_sockdiag",
      "sources": ["sock-diag.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
