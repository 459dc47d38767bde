package dev.litequant.quantize;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The user's {@code --keep-float} selectors: an operator type (e.g. {@code SOFTMAX}) or a regular
 * expression that must match the whole name of one of the operator's outputs.
 */
final class KeepFloatSelectors {
  private final List<String> selectors;
  private final List<Pattern> patterns = new ArrayList<>();

  private KeepFloatSelectors(List<String> selectors) {
    this.selectors = List.copyOf(selectors);
    for (String s : selectors) {
      try {
        patterns.add(Pattern.compile(s));
      } catch (PatternSyntaxException e) {
        throw new InvalidArgumentException("--keep-float '" + s + "' is neither an operator type nor "
            + "a valid regular expression: " + e.getDescription() + ".");
      }
    }
  }

  static KeepFloatSelectors of(List<String> selectors) {
    return new KeepFloatSelectors(selectors);
  }

  /** Why the user keeps this operator float ("kept float (--keep-float X ...)"), or null. */
  String reason(Operator op) {
    for (int k = 0; k < selectors.size(); k++) {
      String selector = selectors.get(k);
      if (selector.equals(op.displayName())) {
        return "kept float (--keep-float " + selector + ")";
      }
      for (Tensor t : op.outputs()) {
        if (patterns.get(k).matcher(t.name()).matches()) {
          return "kept float (--keep-float " + selector + " matches '" + t.name() + "')";
        }
      }
    }
    return null;
  }
}
