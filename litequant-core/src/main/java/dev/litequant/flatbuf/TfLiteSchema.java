package dev.litequant.flatbuf;

/**
 * The TensorFlow Lite model schema (file identifier {@code TFL3}, schema version 3c with the
 * StableHLO options union), written down as data so that every field of a model file can be read,
 * verified and written back, including the fields newer than the generated Java classes.
 *
 * <p>Field order is slot order and must never be changed: it is the file format. A test compares
 * this description with the generated schema classes slot by slot.
 */
public final class TfLiteSchema {
  public static final String FILE_IDENTIFIER = "TFL3";

  /** The singleton schema. */
  public static final Schema SCHEMA = build();

  private TfLiteSchema() {}

  private static Schema build() {
    Schema s = new Schema();
    s.addTable("Model",
        "version:uint", "operator_codes:[OperatorCode]", "subgraphs:[SubGraph]", "description:string",
        "buffers:[Buffer]", "metadata_buffer:[int]", "metadata:[Metadata]",
        "signature_defs:[SignatureDef]");
    s.addTable("OperatorCode",
        "deprecated_builtin_code:byte", "custom_code:string", "version:int=1", "builtin_code:int");
    s.addTable("SubGraph",
        "tensors:[Tensor]", "inputs:[int]", "outputs:[int]", "operators:[Operator]", "name:string");
    s.addTable("Tensor",
        "shape:[int]", "type:byte", "buffer:uint", "name:string",
        "quantization:QuantizationParameters", "is_variable:bool", "sparsity:SparsityParameters",
        "shape_signature:[int]", "has_rank:bool", "variant_tensors:[VariantSubType]");
    s.addTable("VariantSubType", "shape:[int]", "type:byte", "has_rank:bool");
    s.addTable("QuantizationParameters",
        "min:[float]", "max:[float]", "scale:[float]", "zero_point:[long]",
        "details:union:QuantizationDetails", "quantized_dimension:int");
    s.addUnion("QuantizationDetails", "CustomQuantization");
    s.addTable("CustomQuantization", "custom:[ubyte] align=16");
    s.addTable("SparsityParameters",
        "traversal_order:[int]", "block_map:[int]", "dim_metadata:[DimensionMetadata]");
    s.addTable("DimensionMetadata",
        "format:byte", "dense_size:int", "array_segments:union:SparseIndexVector",
        "array_indices:union:SparseIndexVector");
    s.addUnion("SparseIndexVector", "Int32Vector", "Uint16Vector", "Uint8Vector");
    s.addTable("Int32Vector", "values:[int]");
    s.addTable("Uint16Vector", "values:[ushort] align=4");
    s.addTable("Uint8Vector", "values:[ubyte] align=4");
    s.addTable("Operator",
        "opcode_index:uint", "inputs:[int]", "outputs:[int]", "builtin_options:union:BuiltinOptions",
        "custom_options:[ubyte]", "custom_options_format:byte", "mutating_variable_inputs:[bool]",
        "intermediates:[int]", "large_custom_options_offset:ulong", "large_custom_options_size:ulong",
        "builtin_options_2:union:BuiltinOptions2");
    s.addTable("Buffer", "data:[ubyte] align=16", "offset:ulong", "size:ulong");
    s.addTable("Metadata", "name:string", "buffer:uint");
    s.addTable("TensorMap", "name:string", "tensor_index:uint");
    s.addTable("SignatureDef",
        "inputs:[TensorMap]", "outputs:[TensorMap]", "signature_key:string",
        "deprecated_tag:string deprecated", "subgraph_index:uint");
    builtinOptions(s);
    builtinOptions2(s);
    return s.checkReferences();
  }

  private static void builtinOptions(Schema s) {
    s.addUnion("BuiltinOptions",
        "Conv2DOptions", "DepthwiseConv2DOptions", "ConcatEmbeddingsOptions", "LSHProjectionOptions",
        "Pool2DOptions", "SVDFOptions", "RNNOptions", "FullyConnectedOptions", "SoftmaxOptions",
        "ConcatenationOptions", "AddOptions", "L2NormOptions", "LocalResponseNormalizationOptions",
        "LSTMOptions", "ResizeBilinearOptions", "CallOptions", "ReshapeOptions", "SkipGramOptions",
        "SpaceToDepthOptions", "EmbeddingLookupSparseOptions", "MulOptions", "PadOptions",
        "GatherOptions", "BatchToSpaceNDOptions", "SpaceToBatchNDOptions", "TransposeOptions",
        "ReducerOptions", "SubOptions", "DivOptions", "SqueezeOptions", "SequenceRNNOptions",
        "StridedSliceOptions", "ExpOptions", "TopKV2Options", "SplitOptions", "LogSoftmaxOptions",
        "CastOptions", "DequantizeOptions", "MaximumMinimumOptions", "ArgMaxOptions", "LessOptions",
        "NegOptions", "PadV2Options", "GreaterOptions", "GreaterEqualOptions", "LessEqualOptions",
        "SelectOptions", "SliceOptions", "TransposeConvOptions", "SparseToDenseOptions",
        "TileOptions", "ExpandDimsOptions", "EqualOptions", "NotEqualOptions", "ShapeOptions",
        "PowOptions", "ArgMinOptions", "FakeQuantOptions", "PackOptions", "LogicalOrOptions",
        "OneHotOptions", "LogicalAndOptions", "LogicalNotOptions", "UnpackOptions",
        "FloorDivOptions", "SquareOptions", "ZerosLikeOptions", "FillOptions",
        "BidirectionalSequenceLSTMOptions", "BidirectionalSequenceRNNOptions",
        "UnidirectionalSequenceLSTMOptions", "FloorModOptions", "RangeOptions",
        "ResizeNearestNeighborOptions", "LeakyReluOptions", "SquaredDifferenceOptions",
        "MirrorPadOptions", "AbsOptions", "SplitVOptions", "UniqueOptions", "ReverseV2Options",
        "AddNOptions", "GatherNdOptions", "CosOptions", "WhereOptions", "RankOptions",
        "ReverseSequenceOptions", "MatrixDiagOptions", "QuantizeOptions", "MatrixSetDiagOptions",
        "HardSwishOptions", "IfOptions", "WhileOptions", "DepthToSpaceOptions",
        "NonMaxSuppressionV4Options", "NonMaxSuppressionV5Options", "ScatterNdOptions",
        "SelectV2Options", "DensifyOptions", "SegmentSumOptions", "BatchMatMulOptions",
        "CumsumOptions", "CallOnceOptions", "BroadcastToOptions", "Rfft2dOptions", "Conv3DOptions",
        "HashtableOptions", "HashtableFindOptions", "HashtableImportOptions",
        "HashtableSizeOptions", "VarHandleOptions", "ReadVariableOptions", "AssignVariableOptions",
        "RandomOptions", "BucketizeOptions", "GeluOptions", "DynamicUpdateSliceOptions",
        "UnsortedSegmentProdOptions", "UnsortedSegmentMaxOptions", "UnsortedSegmentMinOptions",
        "UnsortedSegmentSumOptions", "ATan2Options", "SignOptions", "BitcastOptions",
        "BitwiseXorOptions", "RightShiftOptions");

    s.addTable("Conv2DOptions",
        "padding:byte", "stride_w:int", "stride_h:int", "fused_activation_function:byte",
        "dilation_w_factor:int=1", "dilation_h_factor:int=1", "quantized_bias_type:byte");
    s.addTable("DepthwiseConv2DOptions",
        "padding:byte", "stride_w:int", "stride_h:int", "depth_multiplier:int",
        "fused_activation_function:byte", "dilation_w_factor:int=1", "dilation_h_factor:int=1");
    s.addTable("ConcatEmbeddingsOptions",
        "num_channels:int", "num_columns_per_channel:[int]", "embedding_dim_per_channel:[int]");
    s.addTable("LSHProjectionOptions", "type:byte");
    s.addTable("Pool2DOptions",
        "padding:byte", "stride_w:int", "stride_h:int", "filter_width:int", "filter_height:int",
        "fused_activation_function:byte");
    s.addTable("SVDFOptions", "rank:int", "fused_activation_function:byte", "asymmetric_quantize_inputs:bool");
    s.addTable("RNNOptions", "fused_activation_function:byte", "asymmetric_quantize_inputs:bool");
    s.addTable("FullyConnectedOptions",
        "fused_activation_function:byte", "weights_format:byte", "keep_num_dims:bool",
        "asymmetric_quantize_inputs:bool", "quantized_bias_type:byte");
    s.addTable("SoftmaxOptions", "beta:float");
    s.addTable("ConcatenationOptions", "axis:int", "fused_activation_function:byte");
    s.addTable("AddOptions", "fused_activation_function:byte", "pot_scale_int16:bool=true");
    s.addTable("L2NormOptions", "fused_activation_function:byte");
    s.addTable("LocalResponseNormalizationOptions", "radius:int", "bias:float", "alpha:float", "beta:float");
    s.addTable("LSTMOptions",
        "fused_activation_function:byte", "cell_clip:float", "proj_clip:float", "kernel_type:byte",
        "asymmetric_quantize_inputs:bool");
    s.addTable("ResizeBilinearOptions",
        "new_height:int deprecated", "new_width:int deprecated", "align_corners:bool",
        "half_pixel_centers:bool");
    s.addTable("CallOptions", "subgraph:uint");
    s.addTable("ReshapeOptions", "new_shape:[int]");
    s.addTable("SkipGramOptions", "ngram_size:int", "max_skip_size:int", "include_all_ngrams:bool");
    s.addTable("SpaceToDepthOptions", "block_size:int");
    s.addTable("EmbeddingLookupSparseOptions", "combiner:byte");
    s.addTable("MulOptions", "fused_activation_function:byte");
    s.addTable("PadOptions");
    s.addTable("GatherOptions", "axis:int", "batch_dims:int");
    s.addTable("BatchToSpaceNDOptions");
    s.addTable("SpaceToBatchNDOptions");
    s.addTable("TransposeOptions");
    s.addTable("ReducerOptions", "keep_dims:bool");
    s.addTable("SubOptions", "fused_activation_function:byte", "pot_scale_int16:bool=true");
    s.addTable("DivOptions", "fused_activation_function:byte");
    s.addTable("SqueezeOptions", "squeeze_dims:[int]");
    s.addTable("SequenceRNNOptions",
        "time_major:bool", "fused_activation_function:byte", "asymmetric_quantize_inputs:bool");
    s.addTable("StridedSliceOptions",
        "begin_mask:int", "end_mask:int", "ellipsis_mask:int", "new_axis_mask:int",
        "shrink_axis_mask:int", "offset:bool");
    s.addTable("ExpOptions");
    s.addTable("TopKV2Options");
    s.addTable("SplitOptions", "num_splits:int");
    s.addTable("LogSoftmaxOptions");
    s.addTable("CastOptions", "in_data_type:byte", "out_data_type:byte");
    s.addTable("DequantizeOptions");
    s.addTable("MaximumMinimumOptions");
    s.addTable("ArgMaxOptions", "output_type:byte");
    s.addTable("LessOptions");
    s.addTable("NegOptions");
    s.addTable("PadV2Options");
    s.addTable("GreaterOptions");
    s.addTable("GreaterEqualOptions");
    s.addTable("LessEqualOptions");
    s.addTable("SelectOptions");
    s.addTable("SliceOptions");
    s.addTable("TransposeConvOptions",
        "padding:byte", "stride_w:int", "stride_h:int", "fused_activation_function:byte",
        "quantized_bias_type:byte");
    s.addTable("SparseToDenseOptions", "validate_indices:bool");
    s.addTable("TileOptions");
    s.addTable("ExpandDimsOptions");
    s.addTable("EqualOptions");
    s.addTable("NotEqualOptions");
    s.addTable("ShapeOptions", "out_type:byte");
    s.addTable("PowOptions");
    s.addTable("ArgMinOptions", "output_type:byte");
    s.addTable("FakeQuantOptions", "min:float", "max:float", "num_bits:int", "narrow_range:bool");
    s.addTable("PackOptions", "values_count:int", "axis:int");
    s.addTable("LogicalOrOptions");
    s.addTable("OneHotOptions", "axis:int");
    s.addTable("LogicalAndOptions");
    s.addTable("LogicalNotOptions");
    s.addTable("UnpackOptions", "num:int", "axis:int");
    s.addTable("FloorDivOptions");
    s.addTable("SquareOptions");
    s.addTable("ZerosLikeOptions");
    s.addTable("FillOptions");
    s.addTable("BidirectionalSequenceLSTMOptions",
        "fused_activation_function:byte", "cell_clip:float", "proj_clip:float", "merge_outputs:bool",
        "time_major:bool=true", "asymmetric_quantize_inputs:bool");
    s.addTable("BidirectionalSequenceRNNOptions",
        "time_major:bool", "fused_activation_function:byte", "merge_outputs:bool",
        "asymmetric_quantize_inputs:bool");
    s.addTable("UnidirectionalSequenceLSTMOptions",
        "fused_activation_function:byte", "cell_clip:float", "proj_clip:float", "time_major:bool",
        "asymmetric_quantize_inputs:bool", "diagonal_recurrent_tensors:bool");
    s.addTable("FloorModOptions");
    s.addTable("RangeOptions");
    s.addTable("ResizeNearestNeighborOptions", "align_corners:bool", "half_pixel_centers:bool");
    s.addTable("LeakyReluOptions", "alpha:float");
    s.addTable("SquaredDifferenceOptions");
    s.addTable("MirrorPadOptions", "mode:byte");
    s.addTable("AbsOptions");
    s.addTable("SplitVOptions", "num_splits:int");
    s.addTable("UniqueOptions", "idx_out_type:byte=2");
    s.addTable("ReverseV2Options");
    s.addTable("AddNOptions");
    s.addTable("GatherNdOptions");
    s.addTable("CosOptions");
    s.addTable("WhereOptions");
    s.addTable("RankOptions");
    s.addTable("ReverseSequenceOptions", "seq_dim:int", "batch_dim:int");
    s.addTable("MatrixDiagOptions");
    s.addTable("QuantizeOptions");
    s.addTable("MatrixSetDiagOptions");
    s.addTable("HardSwishOptions");
    s.addTable("IfOptions", "then_subgraph_index:int", "else_subgraph_index:int");
    s.addTable("WhileOptions", "cond_subgraph_index:int", "body_subgraph_index:int");
    s.addTable("DepthToSpaceOptions", "block_size:int");
    s.addTable("NonMaxSuppressionV4Options");
    s.addTable("NonMaxSuppressionV5Options");
    s.addTable("ScatterNdOptions");
    s.addTable("SelectV2Options");
    s.addTable("DensifyOptions");
    s.addTable("SegmentSumOptions");
    s.addTable("BatchMatMulOptions", "adj_x:bool", "adj_y:bool", "asymmetric_quantize_inputs:bool");
    s.addTable("CumsumOptions", "exclusive:bool", "reverse:bool");
    s.addTable("CallOnceOptions", "init_subgraph_index:int");
    s.addTable("BroadcastToOptions");
    s.addTable("Rfft2dOptions");
    s.addTable("Conv3DOptions",
        "padding:byte", "stride_d:int", "stride_w:int", "stride_h:int",
        "fused_activation_function:byte", "dilation_d_factor:int=1", "dilation_w_factor:int=1",
        "dilation_h_factor:int=1");
    s.addTable("HashtableOptions", "table_id:int", "key_dtype:byte", "value_dtype:byte");
    s.addTable("HashtableFindOptions");
    s.addTable("HashtableImportOptions");
    s.addTable("HashtableSizeOptions");
    s.addTable("VarHandleOptions", "container:string", "shared_name:string");
    s.addTable("ReadVariableOptions");
    s.addTable("AssignVariableOptions");
    s.addTable("RandomOptions", "seed:long", "seed2:long");
    s.addTable("BucketizeOptions", "boundaries:[float]");
    s.addTable("GeluOptions", "approximate:bool");
    s.addTable("DynamicUpdateSliceOptions");
    s.addTable("UnsortedSegmentProdOptions");
    s.addTable("UnsortedSegmentMaxOptions");
    s.addTable("UnsortedSegmentMinOptions");
    s.addTable("UnsortedSegmentSumOptions");
    s.addTable("ATan2Options");
    s.addTable("SignOptions");
    s.addTable("BitcastOptions");
    s.addTable("BitwiseXorOptions");
    s.addTable("RightShiftOptions");
  }

  private static void builtinOptions2(Schema s) {
    s.addUnion("BuiltinOptions2",
        "StablehloConcatenateOptions", "StablehloBroadcastInDimOptions", "StablehloSliceOptions",
        "StablehloConvolutionOptions", "StablehloCustomCallOptions", "StablehloReduceOptions",
        "StablehloScatterOptions", "StablehloCompareOptions", "StablehloDynamicSliceOptions",
        "StablehloPadOptions", "StablehloIotaOptions", "StablehloDotGeneralOptions",
        "StablehloReduceWindowOptions", "StablehloSortOptions", "StablehloWhileOptions",
        "StablehloGatherOptions", "StablehloTransposeOptions", "DilateOptions",
        "StablehloRngBitGeneratorOptions", "ReduceWindowOptions", "StableHLOCompositeOptions");
    s.addTable("StablehloConcatenateOptions", "dimension:long");
    s.addTable("StablehloBroadcastInDimOptions", "broadcast_dimensions:[long]");
    s.addTable("StablehloSliceOptions", "start_indices:[long]", "limit_indices:[long]", "strides:[long]");
    s.addTable("StablehloConvolutionOptions",
        "window_strides:[long]", "padding:[long]", "lhs_dilation:[long]", "rhs_dilation:[long]",
        "window_reversal:[bool]", "input_batch_dimension:long", "input_feature_dimension:long",
        "input_spatial_dimensions:[long]", "kernel_input_feature_dimension:long",
        "kernel_output_feature_dimension:long", "kernel_spatial_dimensions:[long]",
        "output_batch_dimension:long", "output_feature_dimension:long",
        "output_spatial_dimensions:[long]", "feature_group_count:long", "batch_group_count:long",
        "precision_config:[uint]");
    s.addTable("StablehloCustomCallOptions",
        "call_target_name:string", "has_side_effect:bool", "backend_config:string", "api_version:int",
        "called_computations:[int]", "custom_attributes:[ubyte]");
    s.addTable("StablehloReduceOptions", "dimensions:[long]", "body_subgraph_index:int");
    s.addTable("StablehloScatterOptions",
        "indices_are_sorted:bool", "update_window_dims:[long]", "inserted_window_dims:[long]",
        "scatter_dims_to_operand_dims:[long]", "index_vector_dim:long", "unique_indices:bool",
        "update_computation_subgraph_index:int");
    s.addTable("StablehloCompareOptions", "comparison_direction:uint", "compare_type:uint");
    s.addTable("StablehloDynamicSliceOptions", "slice_sizes:[long]");
    s.addTable("StablehloPadOptions",
        "edge_padding_low:[long]", "edge_padding_high:[long]", "interior_padding:[long]");
    s.addTable("StablehloIotaOptions", "iota_dimension:long");
    s.addTable("StablehloDotGeneralOptions",
        "lhs_batching_dimensions:[long]", "rhs_batching_dimensions:[long]",
        "lhs_contracting_dimensions:[long]", "rhs_contracting_dimensions:[long]",
        "precision_config:[uint]");
    s.addTable("StablehloReduceWindowOptions",
        "window_dimensions:[long]", "window_strides:[long]", "base_dilations:[long]",
        "window_dilations:[long]", "padding:[long]", "body_subgraph_index:int");
    s.addTable("StablehloSortOptions", "dimension:long", "is_stable:bool", "comparator_subgraph_index:int");
    s.addTable("StablehloWhileOptions", "cond_subgraph_index:int", "body_subgraph_index:int");
    s.addTable("StablehloGatherOptions",
        "offset_dims:[long]", "collapsed_slice_dims:[long]", "start_index_map:[long]",
        "index_vector_dim:long", "slice_sizes:[long]", "indices_are_sorted:bool");
    s.addTable("StablehloTransposeOptions", "permutation:[long]");
    s.addTable("DilateOptions");
    s.addTable("StablehloRngBitGeneratorOptions", "algorithm:byte");
    s.addTable("ReduceWindowOptions", "reduce_function:int");
    s.addTable("StableHLOCompositeOptions",
        "name:string", "decomposition_subgraph_index:int", "composite_attributes:[ubyte]",
        "composite_attributes_format:byte", "version:int");
  }
}
