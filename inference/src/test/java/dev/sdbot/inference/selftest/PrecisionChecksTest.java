package dev.sdbot.inference.selftest;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrecisionChecksTest {
    private static final Path LDM = Fixtures.LDM;

    @Test
    void fp16WeightsOnTheCpuStayWithinTheHalfPrecisionBound() {
        for (String model : List.of("mini-sd15", "mini-sd21v")) {
            List<CheckResult> results = PrecisionChecks.run(model, LDM.resolve(model),
                    LDM.resolve(model + "-reference/reference.safetensors"), Device.cpu(), DataType.FLOAT16);
            results.forEach(System.out::println);
            assertThat(results).allMatch(CheckResult::passed).extracting(CheckResult::name)
                    .anyMatch(n -> n.startsWith("unet.out")).anyMatch(n -> n.startsWith("text.hidden"))
                    .anyMatch(n -> n.startsWith("txt2img.0.latents"));
        }
    }
}
