package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.unet.AddedConditioning;
import dev.sdbot.inference.unet.ControlNet;
import dev.sdbot.inference.unet.ControlResiduals;

import java.util.ArrayList;
import java.util.List;

/**
 * The ControlNets of one generation, applied as diffusers' {@code StableDiffusionControlNetPipeline} and
 * {@code StableDiffusionXLControlNetPipeline} (v0.21.4; SDXL nets get the UNet call's added conditioning):
 * at every model call each net whose guidance window covers the call adds its residuals (several nets: summed, as
 * {@code MultiControlNetModel}); the window is {@code controlnet_keep}: a call {@code i} of {@code n} is skipped
 * when {@code i / n < start} or {@code (i + 1) / n > end} (A1111's "Starting/Ending Control Step").
 */
public final class ControlGuide {
    public static final ControlGuide NONE = new ControlGuide(List.of());

    /**
     * One ControlNet with its conditioning image.
     *
     * @param image     (1, 3, H, W) in [0, 1] at the output size (diffusers' {@code prepare_image})
     * @param weight    {@code controlnet_conditioning_scale}
     * @param guessMode diffusers' {@code guess_mode}: the net sees only the prompt half of the guided batch (the
     *                  negative half gets no residuals) and its residuals are scaled 0.1 .. 1 from shallow to deep
     * @param mode      A1111's control mode ({@link ControlInjection}); with guess mode only BALANCED
     */
    public record Unit(ControlNet net, NDArray image, float weight, double start, double end, boolean guessMode,
                       ControlMode mode) {
        public Unit {
            if (!(start >= 0 && start <= end && end <= 1)) {
                throw new IllegalArgumentException("control start/end must satisfy 0 <= start <= end <= 1, got "
                        + start + " and " + end);
            }
            if (guessMode && mode != ControlMode.BALANCED) {
                throw new IllegalArgumentException("diffusers' guess mode and A1111's control modes do not combine");
            }
        }

        /** A Balanced unit (diffusers' pipeline). */
        public Unit(ControlNet net, NDArray image, float weight, double start, double end, boolean guessMode) {
            this(net, image, weight, start, end, guessMode, ControlMode.BALANCED);
        }
    }

    private final List<Unit> units;

    public ControlGuide(List<Unit> units) {
        this.units = List.copyOf(units);
    }

    public boolean isEmpty() {
        return units.isEmpty();
    }

    /**
     * The summed residuals for model call {@code call} of {@code calls}, or null when no net is active.
     *
     * @param batch   the UNet's input, [negative x N, prompt x N] when guided
     * @param context the UNet's text context, in the same order
     * @param added   SDXL's pooled embedding and size ids of the same rows; null for SD 1.x/2.x
     */
    ControlResiduals residuals(NDArray batch, NDArray timestep, NDArray context, AddedConditioning added, int call,
                               int calls, boolean guided) {
        ControlResiduals sum = null;
        for (Unit unit : units) {
            if ((double) call / calls < unit.start() || (double) (call + 1) / calls > unit.end()) {
                continue;
            }
            ControlResiduals r;
            if (unit.guessMode() && guided) {
                r = promptHalfOnly(unit, batch, timestep, context, added);
            } else if (unit.guessMode()) {
                r = unit.net().forward(batch, timestep, context, added, images(unit, batch.getShape().get(0)),
                        unit.weight(), true);
            } else {
                r = unit.net().forward(batch, timestep, context, added, images(unit, batch.getShape().get(0)),
                        ControlInjection.scales(unit.mode(), unit.weight(), unit.net().residualCount()));
                if (guided && ControlInjection.promptRowsOnly(unit.mode())) {
                    r = negativeHalfZeroed(r);
                }
            }
            sum = sum == null ? r : sum.plus(r);
        }
        return sum;
    }

    /** Guess mode with guidance: the net on the prompt half, zeros for the negative half. */
    private static ControlResiduals promptHalfOnly(Unit unit, NDArray batch, NDArray timestep, NDArray context,
                                                   AddedConditioning added) {
        long half = batch.getShape().get(0) / 2;
        ControlResiduals r = unit.net().forward(batch.get("{}:", half), timestep, context.get("{}:", half),
                added == null ? null : added.rowsFrom(half), images(unit, half), unit.weight(), true);
        List<NDArray> down = new ArrayList<>();
        for (NDArray d : r.down()) {
            down.add(NDArrays.concat(new NDList(d.zerosLike(), d), 0));
        }
        return new ControlResiduals(down, NDArrays.concat(new NDList(r.mid().zerosLike(), r.mid()), 0));
    }

    /** {@code cond_mark}: the rows of the negative prompt ([negative x N, prompt x N]) keep no residual. */
    private static ControlResiduals negativeHalfZeroed(ControlResiduals r) {
        List<NDArray> down = new ArrayList<>();
        for (NDArray d : r.down()) {
            down.add(promptRows(d));
        }
        return new ControlResiduals(down, promptRows(r.mid()));
    }

    private static NDArray promptRows(NDArray residual) {
        long half = residual.getShape().get(0) / 2;
        NDArray prompt = residual.get("{}:", half);
        return NDArrays.concat(new NDList(prompt.zerosLike(), prompt), 0);
    }

    private static NDArray images(Unit unit, long rows) {
        Shape s = unit.image().getShape();
        return unit.image().broadcast(new Shape(rows, s.get(1), s.get(2), s.get(3)));
    }
}
