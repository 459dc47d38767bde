package dev.litequant.testing;

/** Name conversions between the schema's snake_case and the generated classes' camelCase. */
public final class Names {
  private Names() {}

  /** {@code StrideW} -> {@code stride_w}. */
  public static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
