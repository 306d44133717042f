{
  # The addon of tree_records.c, built by scripts/build-native.mjs. It compiles tree-sitter's runtime
  # and the C grammar from the sources of the npm packages the Node binding uses, so both parse alike.
  "variables": {
    # Relative to this directory: gyp takes no absolute source paths.
    "tree_sitter_lib": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('tree-sitter/package.json')) + '/vendor/tree-sitter/lib')\")",
    "tree_sitter_c": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('tree-sitter-c/package.json')))\")",
  },
  "targets": [
    {
      "target_name": "tree_records",
      "sources": [
        "tree_records.c",
        "<(tree_sitter_lib)/src/lib.c",
        "<(tree_sitter_c)/src/parser.c",
      ],
      "include_dirs": [
        "<(tree_sitter_lib)/include",
        "<(tree_sitter_lib)/src",
        "<(tree_sitter_c)/src",
      ],
      "defines": ["_POSIX_C_SOURCE=200112L", "_DEFAULT_SOURCE"],
      "conditions": [
        ["OS!='win'", {
          "cflags_c": ["-std=c11", "-O2", "-fvisibility=hidden"],
        }, {
          "cflags_c": ["/std:c11", "/utf-8"],
        }],
      ],
    }
  ]
}
