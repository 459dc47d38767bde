package dev.litequant.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: a Python dict literal such as {@code {'descr': '<f4',
 * 'fortran_order': False, 'shape': (2, 3), }}. NumPy evaluates it as a Python literal; this parser
 * accepts the same literal forms (strings in either quote, True/False/None, integers with an
 * optional Python 2 {@code L}, tuples and lists) and, like NumPy, requires exactly the three keys.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

  /** Thrown for a header that is not a valid dict literal; the message says what is wrong. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  static NpyHeader parse(String text) throws MalformedException {
    Parser p = new Parser(text);
    Object value = p.value();
    p.skipSpace();
    if (!p.atEnd()) {
      throw new MalformedException("unexpected text after the header dict at character " + p.pos);
    }
    if (!(value instanceof Map<?, ?> dict)) {
      throw new MalformedException("the header is not a dict");
    }
    for (Object key : dict.keySet()) {
      if (!(key instanceof String k) || !List.of("descr", "fortran_order", "shape").contains(k)) {
        throw new MalformedException("the header has an unexpected key " + show(key));
      }
    }
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw new MalformedException("the header has no '" + key + "'");
      }
    }
    Object descr = dict.get("descr");
    if (!(descr instanceof String d)) {
      throw new MalformedException("its dtype is " + (descr instanceof List<?> ? "a structured (record) dtype"
          : show(descr)) + ", not a plain numeric type");
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new MalformedException("'fortran_order' is " + show(dict.get("fortran_order")) + ", not True or False");
    }
    if (!(dict.get("shape") instanceof Tuple tuple)) {
      throw new MalformedException("'shape' is " + show(dict.get("shape")) + ", not a tuple");
    }
    long[] shape = new long[tuple.items().size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(tuple.items().get(i) instanceof Long dim) || dim < 0) {
        throw new MalformedException("'shape' " + tuple + " has " + show(tuple.items().get(i))
            + " where a non-negative integer belongs");
      }
      shape[i] = dim;
    }
    return new NpyHeader(d, fortran, shape);
  }

  /** The header text NumPy itself writes (before padding). */
  static String format(String descr, int[] shape) {
    StringBuilder sb = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",), }" : "), }").toString();
  }

  private static String show(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    return v == null ? "None" : v instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(v);
  }

  /** A parsed Python tuple (lists parse to {@link List}, so that 'shape' must really be a tuple). */
  private record Tuple(List<Object> items) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < items.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(show(items.get(i)));
      }
      return sb.append(items.size() == 1 ? ",)" : ")").toString();
    }
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    Object value() throws MalformedException {
      skipSpace();
      if (atEnd()) {
        throw new MalformedException("the header ends where a value was expected");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return dict();
        case '(':
          return new Tuple(sequence('(', ')'));
        case '[':
          return sequence('[', ']');
        case '\'':
        case '"':
          return string(c);
        default:
          break;
      }
      if (c == '-' || c == '+' || Character.isDigit(c)) {
        return integer();
      }
      for (String word : new String[] {"True", "False", "None"}) {
        if (s.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
        }
      }
      throw new MalformedException("unexpected character '" + c + "' at character " + pos + " of the header");
    }

    private Map<Object, Object> dict() throws MalformedException {
      pos++;
      Map<Object, Object> map = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (peek('}')) {
          pos++;
          return map;
        }
        Object key = value();
        skipSpace();
        expect(':');
        Object v = value();
        if (map.containsKey(key)) {
          throw new MalformedException("the header repeats the key " + show(key));
        }
        map.put(key, v);
        skipSpace();
        if (peek(',')) {
          pos++;
        } else if (!peek('}')) {
          throw new MalformedException("expected ',' or '}' at character " + pos + " of the header");
        }
      }
    }

    private List<Object> sequence(char open, char close) throws MalformedException {
      pos++;
      List<Object> items = new ArrayList<>();
      boolean trailingComma = false;
      while (true) {
        skipSpace();
        if (peek(close)) {
          pos++;
          // (5) is the integer 5 in Python, not a tuple: only (5,) is a one-element tuple.
          if (open == '(' && items.size() == 1 && !trailingComma) {
            throw new MalformedException("'(" + show(items.get(0)) + ")' is not a tuple (a 1-D shape is "
                + "written (n,))");
          }
          return items;
        }
        items.add(value());
        skipSpace();
        trailingComma = peek(',');
        if (trailingComma) {
          pos++;
        } else if (!peek(close)) {
          throw new MalformedException("expected ',' or '" + close + "' at character " + pos + " of the header");
        }
      }
    }

    private String string(char quote) throws MalformedException {
      int end = s.indexOf(quote, pos + 1);
      if (end < 0) {
        throw new MalformedException("a string in the header is not closed");
      }
      String v = s.substring(pos + 1, end);
      if (v.indexOf('\\') >= 0) {
        throw new MalformedException("the header has an escape sequence in " + quote + v + quote);
      }
      pos = end + 1;
      return v;
    }

    private Long integer() throws MalformedException {
      int start = pos;
      if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      String digits = s.substring(start, pos);
      if (pos == start || !Character.isDigit(s.charAt(pos - 1))) {
        throw new MalformedException("a sign without digits at character " + start + " of the header");
      }
      if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
        pos++;
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new MalformedException("the number " + digits + " is too large to count with");
      }
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) throws MalformedException {
      if (!peek(c)) {
        throw new MalformedException("expected '" + c + "' at character " + pos + " of the header");
      }
      pos++;
    }
  }
}
