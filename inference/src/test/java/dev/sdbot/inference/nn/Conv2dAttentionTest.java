package dev.sdbot.inference.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.selftest.AttentionChecks;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.Parity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sdbot.inference.nn.Attention.Kernel.PLAIN;
import static org.assertj.core.api.Assertions.assertThat;

class Conv2dAttentionTest {

    /** Small outputs take the im2col GEMM path; it must equal libtorch's convolution. */
    @ParameterizedTest
    @CsvSource({"3,1,1,5,7", "3,2,1,8,8", "3,2,0,9,9", "1,1,0,4,4"})
    void im2colGemmMatchesLibtorch(int kernel, int stride, int padding, int h, int w) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(2, 6, h, w));
            Conv2d conv = new Conv2d(m.randomNormal(new Shape(4, 6, kernel, kernel)), m.randomNormal(new Shape(4)),
                    stride, padding);
            NDArray expected = ai.djl.nn.convolutional.Conv2d.conv2d(x, conv.weight(), conv.bias(),
                    new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
            NDArray actual = conv.forward(x);
            assertThat(actual.getShape()).isEqualTo(expected.getShape());
            // different summation order over at most 6 * 3 * 3 = 54 products: fp32 guarantees ~54 ulps (3e-6)
            assertThat(Parity.relativeError(actual, expected)).isLessThan(1e-5);
        }
    }

    @Test
    void slicedAttentionEqualsWholeAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            NDArray q = m.randomNormal(new Shape(2, 10, 8));
            NDArray k = m.randomNormal(new Shape(2, 7, 8));
            NDArray v = m.randomNormal(new Shape(2, 7, 8));
            NDArray mask = m.randomNormal(new Shape(1, 1, 10, 7));
            NDArray whole = Attention.multiHead(q, k, v, 2, mask, Attention.MAX_SCORE_ELEMENTS, PLAIN);
            NDArray sliced = Attention.multiHead(q, k, v, 2, mask, 2 * 2 * 7 * 3, PLAIN);
            // the same arithmetic per row, batched differently: a few ulps at most (bound ~100 ulps)
            assertThat(Parity.relativeError(sliced, whole)).isLessThan(1e-5);
            assertThat(Parity.relativeError(Attention.multiHead(q, k, v, 1, null, Attention.MAX_SCORE_ELEMENTS, PLAIN),
                    Attention.multiHead(q, k, v, 1, null, 7, PLAIN))).isLessThan(1e-5);
        }
    }

    /** Every case of the selftest's attention group: the fused kernel equals the plain one within fp32's bound. */
    @Test
    void fusedAttentionEqualsPlainAttention() {
        List<CheckResult> results = AttentionChecks.run();
        assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }
}
