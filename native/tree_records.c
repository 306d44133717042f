/*
 * Parses C with tree-sitter and hands the whole syntax tree to JavaScript in one call, as numbers.
 *
 * Copying a tree through the Node binding costs a native call per node read (about 90 ns each, a
 * quarter of extraction's time on fs/). Here the tree is walked in C and written as one record per
 * node, in document order, which parser.ts turns into `LiteNode`s without leaving JavaScript.
 *
 * A record is five unsigned 32-bit numbers (see `Record`). Offsets count UTF-16 code units, like
 * JavaScript strings and LSP columns: the text is parsed as UTF-16.
 *
 * Each worker thread that loads the addon gets its own parser (N-API instance data).
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tree_sitter/api.h"

const TSLanguage *tree_sitter_c(void);

enum Record { SYMBOL, FIELD, START, END, SIZE, RECORD_LENGTH };

/* A growable array of records; `size` counts numbers, not records. */
typedef struct {
  uint32_t *data;
  size_t size;
  size_t capacity;
} Records;

static int records_reserve(Records *records, size_t more) {
  if (records->size + more <= records->capacity) return 1;
  size_t capacity = records->capacity * 2;
  while (capacity < records->size + more) capacity *= 2;
  uint32_t *data = realloc(records->data, capacity * sizeof(uint32_t));
  if (!data) return 0;
  records->data = data;
  records->capacity = capacity;
  return 1;
}

/* Appends the cursor's node; its SIZE (the records of its subtree, itself included) is set on leaving it. */
static size_t records_push(Records *records, TSTreeCursor *cursor) {
  TSNode node = ts_tree_cursor_current_node(cursor);
  uint32_t *record = records->data + records->size;
  record[SYMBOL] = ts_node_symbol(node);
  record[FIELD] = ts_tree_cursor_current_field_id(cursor);
  record[START] = ts_node_start_byte(node) / 2;
  record[END] = ts_node_end_byte(node) / 2;
  record[SIZE] = 1;
  size_t at = records->size / RECORD_LENGTH;
  records->size += RECORD_LENGTH;
  return at;
}

static void records_close(Records *records, size_t at) {
  records->data[at * RECORD_LENGTH + SIZE] = (uint32_t)(records->size / RECORD_LENGTH - at);
}

/* Writes every node of the tree, in document order. Returns 0 when memory ran out. */
static int write_records(TSNode root, Records *records) {
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  /* The records of the nodes entered and not yet left: the current node and its ancestors. */
  size_t *open = malloc(64 * sizeof(size_t));
  size_t open_capacity = 64, depth = 0;
  int ok = open && records_reserve(records, RECORD_LENGTH);
  if (ok) open[0] = records_push(records, &cursor);
  while (ok) {
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      if (depth + 1 == open_capacity) {
        size_t *grown = realloc(open, open_capacity * 2 * sizeof(size_t));
        if (!grown) { ok = 0; break; }
        open = grown;
        open_capacity *= 2;
      }
      if (!records_reserve(records, RECORD_LENGTH)) { ok = 0; break; }
      open[++depth] = records_push(records, &cursor);
      continue;
    }
    for (;;) {
      records_close(records, open[depth]);
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!records_reserve(records, RECORD_LENGTH)) ok = 0;
        else open[depth] = records_push(records, &cursor);
        break;
      }
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) goto done;
      depth--;
    }
  }
done:
  free(open);
  ts_tree_cursor_delete(&cursor);
  return ok;
}

static TSParser *parser_of(napi_env env) {
  void *parser = NULL;
  napi_get_instance_data(env, &parser);
  return parser;
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/*
 * parse(text: string, timeoutMicros: number): { records: Uint32Array, hasError: boolean } | null
 * null: the parse took longer than timeoutMicros (0: no limit).
 */
static napi_value parse(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return throw_error(env, "parse(text, timeoutMicros)");
  size_t length = 0;
  if (napi_get_value_string_utf16(env, argv[0], NULL, 0, &length) != napi_ok) return throw_error(env, "parse: the text must be a string");
  if (length > UINT32_MAX / 2) return throw_error(env, "parse: the text is too long");
  double timeout = 0;
  napi_get_value_double(env, argv[1], &timeout);

  uint16_t *text = malloc((length + 1) * sizeof(uint16_t));
  if (!text) return throw_error(env, "parse: out of memory");
  napi_get_value_string_utf16(env, argv[0], (char16_t *)text, length + 1, &length);
  TSParser *parser = parser_of(env);
  ts_parser_set_timeout_micros(parser, timeout > 0 ? (uint64_t)timeout : 0);
  TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, (const char *)text, (uint32_t)(length * 2), TSInputEncodingUTF16LE);
  free(text);
  napi_value result;
  if (!tree) {
    /* A stopped parse stays pending in the parser and would resume on the next text. */
    ts_parser_reset(parser);
    napi_get_null(env, &result);
    return result;
  }

  TSNode root = ts_tree_root_node(tree);
  /* About one node per four characters of kernel C: start there and grow as needed. */
  Records records = { NULL, 0, RECORD_LENGTH * (length / 4 + 16) };
  records.data = malloc(records.capacity * sizeof(uint32_t));
  int ok = records.data && write_records(root, &records);
  int has_error = ts_node_has_error(root);
  ts_tree_delete(tree);
  if (!ok) {
    free(records.data);
    return throw_error(env, "parse: out of memory");
  }

  void *buffer_data;
  napi_value buffer, array, flag;
  napi_status status = napi_create_arraybuffer(env, records.size * sizeof(uint32_t), &buffer_data, &buffer);
  if (status == napi_ok) memcpy(buffer_data, records.data, records.size * sizeof(uint32_t));
  free(records.data);
  if (status != napi_ok) return throw_error(env, "parse: out of memory");
  napi_create_typedarray(env, napi_uint32_array, records.size, buffer, 0, &array);
  napi_get_boolean(env, has_error, &flag);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "records", array);
  napi_set_named_property(env, result, "hasError", flag);
  return result;
}

/* The grammar's names: { symbols: string[], named: boolean[], fields: string[] }, indexed by id (fields from 1). */
static napi_value grammar(napi_env env, napi_callback_info info) {
  const TSLanguage *language = tree_sitter_c();
  uint32_t symbol_count = ts_language_symbol_count(language);
  uint32_t field_count = ts_language_field_count(language);
  napi_value result, symbols, named, fields, value;
  napi_create_object(env, &result);
  napi_create_array_with_length(env, symbol_count, &symbols);
  napi_create_array_with_length(env, symbol_count, &named);
  napi_create_array_with_length(env, field_count + 1, &fields);
  for (uint32_t id = 0; id < symbol_count; id++) {
    napi_create_string_utf8(env, ts_language_symbol_name(language, (TSSymbol)id), NAPI_AUTO_LENGTH, &value);
    napi_set_element(env, symbols, id, value);
    TSSymbolType type = ts_language_symbol_type(language, (TSSymbol)id);
    napi_get_boolean(env, type == TSSymbolTypeRegular || type == TSSymbolTypeSupertype, &value);
    napi_set_element(env, named, id, value);
  }
  napi_get_null(env, &value);
  napi_set_element(env, fields, 0, value);
  for (uint32_t id = 1; id <= field_count; id++) {
    napi_create_string_utf8(env, ts_language_field_name_for_id(language, (TSFieldId)id), NAPI_AUTO_LENGTH, &value);
    napi_set_element(env, fields, id, value);
  }
  napi_set_named_property(env, result, "symbols", symbols);
  napi_set_named_property(env, result, "named", named);
  napi_set_named_property(env, result, "fields", fields);
  return result;
}

static void delete_parser(napi_env env, void *parser, void *hint) {
  (void)env;
  (void)hint;
  ts_parser_delete(parser);
}

NAPI_MODULE_INIT() {
  TSParser *parser = ts_parser_new();
  if (!parser || !ts_parser_set_language(parser, tree_sitter_c())) {
    napi_throw_error(env, NULL, "tree_records: the C grammar does not load");
    return NULL;
  }
  napi_set_instance_data(env, parser, delete_parser, NULL);
  napi_value fn;
  napi_create_function(env, "parse", NAPI_AUTO_LENGTH, parse, NULL, &fn);
  napi_set_named_property(env, exports, "parse", fn);
  napi_create_function(env, "grammar", NAPI_AUTO_LENGTH, grammar, NULL, &fn);
  napi_set_named_property(env, exports, "grammar", fn);
  return exports;
}
