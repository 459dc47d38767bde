package dev.litequant.flatbuf;

import java.util.List;

/**
 * A flatbuffer union: member {@code i} (1-based, as stored in the type field) is the table named
 * {@code members().get(i - 1)}; type 0 means NONE.
 */
public record UnionDef(String name, List<String> members) {
  public UnionDef {
    members = List.copyOf(members);
  }

  /** The type code of the named member, or 0 when it is not a member. */
  public int codeOf(String tableName) {
    int i = members.indexOf(tableName);
    return i + 1;
  }
}
