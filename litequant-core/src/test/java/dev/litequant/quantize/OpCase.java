package dev.litequant.quantize;

import dev.litequant.graph.Model;
import java.util.List;

/**
 * One float model exercising an operator of the int8 table: the range of each input's samples, and
 * how far (in output scales) the int8 model's dequantized outputs may be from the float model run
 * on the same (dequantized) inputs. Data movement is exact (0); one output rounding is 0.5; a
 * fixed-point rescaling 1; quantized weights add their own rounding.
 */
record OpCase(String description, Model model, List<float[]> inputRanges, double tolerance) {}
