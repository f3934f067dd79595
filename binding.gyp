{
  "targets": [
    {
      "target_name": "warden_native",
      "sources": ["native/warden_native.c"],
      "cflags": ["-Wall", "-Wextra", "-O2", "-Werror=implicit-function-declaration"],
      "xcode_settings": { "OTHER_CFLAGS": ["-Werror=implicit-function-declaration"] }
    }
  ]
}
