{
  "targets": [
    {
      "target_name": "warden_native",
      "sources": ["native/warden_native.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
