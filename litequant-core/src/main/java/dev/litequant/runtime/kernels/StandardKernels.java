package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;
import java.lang.reflect.InvocationTargetException;

/**
 * The kernel table: every family of reference kernels registers its operators here, and the fast
 * (Vector API) kernels replace some of them when the {@code jdk.incubator.vector} module is
 * present in the running JVM (the launcher adds it with {@code --add-modules}).
 */
public final class StandardKernels {
  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final String VECTOR_KERNELS = "dev.litequant.runtime.kernels.vector.VectorKernels";

  private StandardKernels() {}

  public static void registerReference(KernelRegistry.Builder b) {
    BinaryKernels.register(b);
    UnaryKernels.register(b);
    ConvolutionKernels.register(b);
    MatMulKernels.register(b);
    DequantizeKernels.register(b);
    QuantizeKernels.register(b);
    ShapeKernels.register(b);
    PoolingKernels.register(b);
    ReductionKernels.register(b);
    SoftmaxKernels.register(b);
    ResizeKernels.register(b);
    TransposeConvKernels.register(b);
    LstmKernels.register(b);
  }

  /** Whether the Vector API can be used in this JVM. */
  public static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** Registers the fast kernels when the Vector API is available; returns whether it did. */
  public static boolean registerFast(KernelRegistry.Builder b) {
    if (!vectorApiAvailable()) {
      return false;
    }
    try {
      Class.forName(VECTOR_KERNELS).getMethod("register", KernelRegistry.Builder.class).invoke(null, b);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    } catch (IllegalAccessException | NoSuchMethodException e) {
      throw new IllegalStateException("cannot register the Vector API kernels", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot register the Vector API kernels", e.getCause());
    }
  }
}
