#!/usr/bin/env python3
"""Reference trajectories for sdbot's k-diffusion samplers (as AUTOMATIC1111 runs them) and UniPC.

    python3 make_refs.py ../../../../../shared/fixtures/ldm/mini-sd15-reference/reference.safetensors sampler-refs.safetensors
    python3 make_refs.py FIXTURE OUT --check-k-diffusion K_DIFFUSION_CHECKOUT --check-diffusers DIFFUSERS_CHECKOUT

The algorithms are written out here in float64 numpy from these sources:

* k-diffusion 0.0.16 (commit ab527a9a6d347f364e3d185ba6d714e22d80cb3c, the version A1111 1.6+ installs):
  ``k_diffusion/sampling.py``: get_sigmas_karras, get_ancestral_step, sample_euler, sample_euler_ancestral,
  sample_heun, sample_dpm_2, sample_lms, sample_dpmpp_sde, sample_dpmpp_2m, sample_dpmpp_2m_sde (midpoint);
  ``k_diffusion/external.py``: DiscreteSchedule.get_sigmas / sigma_to_t / t_to_sigma (quantize=False, A1111's
  default), CompVisDenoiser (eps) and CompVisVDenoiser (v).
* AUTOMATIC1111 stable-diffusion-webui ``modules/sd_samplers_kdiffusion.py`` (KDiffusionSampler.get_sigmas and
  sample): "Karras" variants use get_sigmas_karras(steps, sigma_min = smallest training sigma, sigma_max = largest);
  the others the model's get_sigmas(steps); DPM2 computes steps + 1 sigmas and drops the next-to-last; start
  latents are noise * sigmas[0]; eta 1, s_noise 1, s_churn 0.
* diffusers 0.21.4 ``schedulers/scheduling_unipc_multistep.py``: UniPCMultistepScheduler with its defaults
  (solver_type bh2, solver_order 2, predict_x0, lower_order_final, no disabled corrector), linspace spacing.

Few-step samplers (4 steps; SGM Uniform 8):

* A1111 ``modules/sd_schedulers.py`` sgm_uniform (the "SGM Uniform" schedule type) under k-diffusion's Euler and
  Euler a; A1111 ``modules/sd_samplers_lcm.py`` (LCMCompVisDenoiser + sample_lcm) for "LCM".
* diffusers LCMScheduler (arrived in 0.22; checked against the sources of diffusers main 58eb52c, 0.40.0.dev0):
  ``lcm_diffusers``; diffusers Euler(Ancestral)DiscreteScheduler with ``timestep_spacing: trailing`` (SD-Turbo's
  config): ``euler_trailing``, ``euler_a_trailing``. diffusers' Euler a draws noise at every step, the last too.

Everything is driven as the fixture README describes: the fake model
``eps(x, t) = 0.3 x + 0.05 cos(t / 150) + 0.01 tanh(3 x)`` is applied to the model input (k-diffusion: x * c_in
with t = sigma_to_t(sigma); UniPC: x at the integer timestep); for v-prediction cases its output is read as v.
The training schedule is the fixture's ``sched.alphas_cumprod`` (diffusers' float32 scaled_linear 0.00085..0.012)
and the unit start noise the fixture's ``sched.ddim.10.x0`` (DDIM's init_noise_sigma is 1).
SDE/ancestral samplers take their Gaussian noise from a pre-drawn queue (``.step_noise``, numpy seed 1234)
instead of k-diffusion's Brownian tree / randn_like, so Java can replay it.

Per case ``ref.<case>.*``: ``timesteps`` (the model's t at each call), ``call_sigmas`` (sigma at each call;
UniPC: none), ``sigmas`` (the schedule with its trailing 0), ``init_noise_sigma``, ``x0`` (start latents, already
scaled), ``trajectory`` [calls, 1, 4, 8, 8] (the sample after each model call: for two-call steps the first entry
is the intermediate point where the second call is evaluated), ``step_noise`` where noise is used. Metadata
``cases`` (JSON) gives each case's sampler id, steps and scheduler config (the SD 1.x one, no
timestep_spacing: UniPC's default linspace applies).

With --check-k-diffusion / --check-diffusers the same cases are also run through the real k-diffusion sampling
functions (torch, float64, noise replayed from the same queue; final sample within 1e-9) and diffusers' UniPC
class (float32; within 1e-5), given checkouts of k-diffusion ab527a9 and diffusers v0.21.4; with
--check-new-diffusers DIFFUSERS_MAIN_CHECKOUT the LCM and trailing cases through that diffusers' own scheduler classes
(only ``src/diffusers/schedulers/scheduling_{lcm,euler_discrete,euler_ancestral_discrete}.py`` are read; float32,
within 1e-5; noise replayed through randn_tensor). Few-step run (Debian 12, python3-torch 1.13, no scipy: a 4-point
Gauss-Legendre quad stands in, exact for LMS): k-diffusion SGM Uniform cases 0.0, schedule 4.5e-8; diffusers main
LCMScheduler 1.1e-7, Euler/Euler a trailing 6.9e-8 / 9.0e-8, timesteps identical. Last run (Debian 12:
python3 3.11, numpy 1.24, python3-torch 1.13): k-diffusion agreed to 6e-16, UniPC to 1.3e-7, and k-diffusion's own
float32 get_sigmas / get_sigmas_karras to 7e-7. The committed file is byte-identical when regenerated there; other
numpy/libm versions may differ in the last bit of a float64 schedule value.
"""
import json
import math
import struct
import sys

import numpy as np

STEPS = 8
NOISE_SEED = 1234


# ---------------------------------------------------------------- safetensors (numpy only)

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "U8": np.uint8}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype=dtypes[v["dtype"]]).reshape(v["shape"])
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for k in sorted(tensors):
        # tensors as float32 (the start latents and noise are float32 values; the float64 trajectories lose
        # 6e-8 relative, far below the 1e-5 tolerance), schedules and timesteps as float64
        wide = tensors[k].ndim < 2
        a = np.ascontiguousarray(tensors[k], dtype=np.float64 if wide else np.float32)
        raw = a.astype("<f8" if wide else "<f4").tobytes()
        header[k] = {"dtype": "F64" if wide else "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- the fake model and k-diffusion's model wrapper

def fake_model(x, t):
    return 0.3 * x + 0.05 * math.cos(t / 150) + 0.01 * np.tanh(3 * x)


class Noise:
    """Pre-drawn standard normal noise, handed out in order (replaces randn_like / BrownianTreeNoiseSampler)."""

    def __init__(self, shape):
        self.rng = np.random.default_rng(NOISE_SEED)
        self.shape = shape
        self.drawn = []

    def __call__(self, *_sigmas):
        n = self.rng.standard_normal(self.shape).astype(np.float32).astype(np.float64)  # stored as float32
        self.drawn.append(n)
        return n


class Denoiser:
    """k-diffusion's DiscreteSchedule + CompVisDenoiser / CompVisVDenoiser, recording every call."""

    def __init__(self, alphas_cumprod, prediction):
        # k-diffusion keeps the training sigmas as the model's float32 buffer
        self.sigmas = np.sqrt((1 - alphas_cumprod) / alphas_cumprod).astype(np.float32).astype(np.float64)
        self.log_sigmas = np.log(self.sigmas)
        self.prediction = prediction
        self.calls = []  # (sigma, t)

    def sigma_to_t(self, sigma):
        log_sigma = math.log(sigma)
        dists = log_sigma - self.log_sigmas
        low = min(int(np.cumsum(dists >= 0).argmax()), len(self.log_sigmas) - 2)
        lo, hi = self.log_sigmas[low], self.log_sigmas[low + 1]
        w = min(max((lo - log_sigma) / (lo - hi), 0.0), 1.0)
        return (1 - w) * low + w * (low + 1)

    def t_to_sigma(self, t):
        low, high = math.floor(t), math.ceil(t)
        w = t - low
        return math.exp((1 - w) * self.log_sigmas[low] + w * self.log_sigmas[high])

    def get_sigmas(self, n):
        t = np.linspace(len(self.sigmas) - 1, 0, n)
        return np.append([self.t_to_sigma(v) for v in t], 0.0)

    def __call__(self, x, sigma):
        t = self.sigma_to_t(sigma)
        self.calls.append((sigma, t))
        c_in = 1 / math.sqrt(sigma ** 2 + 1)
        out = fake_model(x * c_in, t)
        if self.prediction == "epsilon":
            return x - sigma * out
        c_skip = 1 / (sigma ** 2 + 1)
        c_out = -sigma / math.sqrt(sigma ** 2 + 1)
        return out * c_out + x * c_skip


def karras_sigmas(n, sigma_min, sigma_max, rho=7.0):
    ramp = np.linspace(0, 1, n)
    min_inv_rho = sigma_min ** (1 / rho)
    max_inv_rho = sigma_max ** (1 / rho)
    return np.append((max_inv_rho + ramp * (min_inv_rho - max_inv_rho)) ** rho, 0.0)


def ancestral_step(sigma_from, sigma_to, eta=1.0):
    if not eta:
        return sigma_to, 0.0
    sigma_up = min(sigma_to, eta * (sigma_to ** 2 * (sigma_from ** 2 - sigma_to ** 2) / sigma_from ** 2) ** 0.5)
    sigma_down = (sigma_to ** 2 - sigma_up ** 2) ** 0.5
    return sigma_down, sigma_up


def to_d(x, sigma, denoised):
    return (x - denoised) / sigma


# ---------------------------------------------------------------- k-diffusion samplers; traj gets x after every call

def euler(model, x, sigmas, traj, noise):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        x = x + to_d(x, sigmas[i], denoised) * (sigmas[i + 1] - sigmas[i])
        traj.append(x)
    return x


def euler_ancestral(model, x, sigmas, traj, noise):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        sigma_down, sigma_up = ancestral_step(sigmas[i], sigmas[i + 1])
        x = x + to_d(x, sigmas[i], denoised) * (sigma_down - sigmas[i])
        if sigmas[i + 1] > 0:
            x = x + noise(sigmas[i], sigmas[i + 1]) * sigma_up
        traj.append(x)
    return x


def heun(model, x, sigmas, traj, noise):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        d = to_d(x, sigmas[i], denoised)
        dt = sigmas[i + 1] - sigmas[i]
        if sigmas[i + 1] == 0:
            x = x + d * dt
        else:
            x_2 = x + d * dt
            traj.append(x_2)
            denoised_2 = model(x_2, sigmas[i + 1])
            d_2 = to_d(x_2, sigmas[i + 1], denoised_2)
            x = x + (d + d_2) / 2 * dt
        traj.append(x)
    return x


def dpm_2(model, x, sigmas, traj, noise):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        d = to_d(x, sigmas[i], denoised)
        if sigmas[i + 1] == 0:
            x = x + d * (sigmas[i + 1] - sigmas[i])
        else:
            sigma_mid = math.exp(math.log(sigmas[i]) + 0.5 * (math.log(sigmas[i + 1]) - math.log(sigmas[i])))
            x_2 = x + d * (sigma_mid - sigmas[i])
            traj.append(x_2)
            denoised_2 = model(x_2, sigma_mid)
            d_2 = to_d(x_2, sigma_mid, denoised_2)
            x = x + d_2 * (sigmas[i + 1] - sigmas[i])
        traj.append(x)
    return x


def lms_coeff(order, t, i, j):
    # k-diffusion integrates with scipy.integrate.quad; the integrand is a polynomial of degree order - 1 <= 3,
    # so 4-point Gauss-Legendre is exact
    nodes, weights = np.polynomial.legendre.leggauss(4)
    a, b = t[i], t[i + 1]
    total = 0.0
    for node, weight in zip(nodes, weights):
        tau = (b - a) / 2 * node + (a + b) / 2
        prod = 1.0
        for k in range(order):
            if k != j:
                prod *= (tau - t[i - k]) / (t[i - j] - t[i - k])
        total += weight * prod
    return total * (b - a) / 2


def lms(model, x, sigmas, traj, noise, order=4):
    ds = []
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        ds.append(to_d(x, sigmas[i], denoised))
        if len(ds) > order:
            ds.pop(0)
        cur = min(i + 1, order)
        coeffs = [lms_coeff(cur, sigmas, i, j) for j in range(cur)]
        x = x + sum(c * d for c, d in zip(coeffs, reversed(ds)))
        traj.append(x)
    return x


def sigma_fn(t):
    return math.exp(-t)


def t_fn(sigma):
    return -math.log(sigma)


def dpmpp_2m(model, x, sigmas, traj, noise):
    old = None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        t, t_next = t_fn(sigmas[i]), (t_fn(sigmas[i + 1]) if sigmas[i + 1] > 0 else math.inf)
        h = t_next - t
        if old is None or sigmas[i + 1] == 0:
            x = (sigmas[i + 1] / sigmas[i]) * x - math.expm1(-h) * denoised
        else:
            r = (t - t_fn(sigmas[i - 1])) / h
            denoised_d = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * old
            x = (sigmas[i + 1] / sigmas[i]) * x - math.expm1(-h) * denoised_d
        old = denoised
        traj.append(x)
    return x


def dpmpp_sde(model, x, sigmas, traj, noise, eta=1.0, r=0.5):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        if sigmas[i + 1] == 0:
            x = x + to_d(x, sigmas[i], denoised) * (sigmas[i + 1] - sigmas[i])
        else:
            t, t_next = t_fn(sigmas[i]), t_fn(sigmas[i + 1])
            h = t_next - t
            s = t + h * r
            fac = 1 / (2 * r)
            sd, su = ancestral_step(sigma_fn(t), sigma_fn(s), eta)
            s_ = t_fn(sd)
            x_2 = (sigma_fn(s_) / sigma_fn(t)) * x - math.expm1(t - s_) * denoised
            x_2 = x_2 + noise(sigma_fn(t), sigma_fn(s)) * su
            traj.append(x_2)
            denoised_2 = model(x_2, sigma_fn(s))
            sd, su = ancestral_step(sigma_fn(t), sigma_fn(t_next), eta)
            t_next_ = t_fn(sd)
            denoised_d = (1 - fac) * denoised + fac * denoised_2
            x = (sigma_fn(t_next_) / sigma_fn(t)) * x - math.expm1(t - t_next_) * denoised_d
            x = x + noise(sigma_fn(t), sigma_fn(t_next)) * su
        traj.append(x)
    return x


def dpmpp_2m_sde(model, x, sigmas, traj, noise, eta=1.0):
    old = None
    h_last = None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        if sigmas[i + 1] == 0:
            x = denoised
        else:
            t, s = -math.log(sigmas[i]), -math.log(sigmas[i + 1])
            h = s - t
            eta_h = eta * h
            x = sigmas[i + 1] / sigmas[i] * math.exp(-eta_h) * x + (-math.expm1(-h - eta_h)) * denoised
            if old is not None:
                r = h_last / h
                x = x + 0.5 * (-math.expm1(-h - eta_h)) * (1 / r) * (denoised - old)
            x = x + noise(sigmas[i], sigmas[i + 1]) * sigmas[i + 1] * math.sqrt(-math.expm1(-2 * eta_h))
        old = denoised
        h_last = h if sigmas[i + 1] != 0 else h_last
        traj.append(x)
    return x


K_SAMPLERS = {
    "euler": euler, "euler_a": euler_ancestral, "heun": heun, "dpm2": dpm_2, "lms": lms,
    "dpmpp_2m": dpmpp_2m, "dpmpp_sde": dpmpp_sde, "dpmpp_2m_sde": dpmpp_2m_sde,
}


def sgm_uniform_sigmas(model, n):
    """A1111's sd_schedulers.sgm_uniform: t = linspace(t(sigma_max), t(sigma_min), n + 1)[:-1], then a 0."""
    start = model.sigma_to_t(model.sigmas[-1])
    end = model.sigma_to_t(model.sigmas[0])
    return np.append([model.t_to_sigma(v) for v in np.linspace(start, end, n + 1)[:-1]], 0.0)


def a1111_sigmas(model, base, karras, steps):
    """KDiffusionSampler.get_sigmas for this sampler (karras: False = the model's uniform schedule, True =
    Karras, "sgm_uniform" = the SGM Uniform schedule type)."""
    discard = base == "dpm2"
    n = steps + 1 if discard else steps
    if karras == "sgm_uniform":
        sigmas = sgm_uniform_sigmas(model, n)
    elif karras:
        sigmas = karras_sigmas(n, model.sigmas[0], model.sigmas[-1])
    else:
        sigmas = model.get_sigmas(n)
    if discard:
        sigmas = np.concatenate([sigmas[:-2], sigmas[-1:]])
    return sigmas


def run_k_case(alphas, noise0, base, karras, prediction, steps):
    model = Denoiser(alphas, prediction)
    sigmas = a1111_sigmas(model, base, karras, steps)
    x = noise0 * sigmas[0]
    traj = []
    noise = Noise(noise0.shape)
    K_SAMPLERS[base](model, x, sigmas, traj, noise)
    return {
        "timesteps": np.array([t for _, t in model.calls]),
        "call_sigmas": np.array([s for s, _ in model.calls]),
        "sigmas": sigmas,
        "init_noise_sigma": np.array([sigmas[0]]),
        "x0": x,
        "trajectory": np.stack(traj),
        "step_noise": np.stack(noise.drawn) if noise.drawn else None,
    }


# ---------------------------------------------------------------- diffusers 0.21.4 UniPCMultistepScheduler (bh2, order 2)

class UniPC:
    def __init__(self, alphas_cumprod, prediction, steps, train=1000):
        a = alphas_cumprod.astype(np.float32)
        # diffusers keeps alpha_t, sigma_t, lambda_t as float32 tensors
        self.alpha_t = np.sqrt(a).astype(np.float32).astype(np.float64)
        self.sigma_t = np.sqrt(np.float32(1) - a).astype(np.float32).astype(np.float64)
        self.lambda_t = (np.log(self.alpha_t.astype(np.float32)) - np.log(self.sigma_t.astype(np.float32))) \
            .astype(np.float32).astype(np.float64)
        self.prediction = prediction
        t = np.linspace(0, train - 1, steps + 1).round()[::-1][:-1].astype(np.int64)
        _, idx = np.unique(t, return_index=True)
        self.timesteps = t[np.sort(idx)]
        self.order = 2
        self.model_outputs = [None, None]
        self.timestep_list = [None, None]
        self.lower_order_nums = 0
        self.last_sample = None
        self.this_order = None

    def convert(self, model_output, t, sample):
        if self.prediction == "epsilon":
            return (sample - self.sigma_t[t] * model_output) / self.alpha_t[t]
        return self.alpha_t[t] * sample - self.sigma_t[t] * model_output

    def _coefficients(self, t, s0, order):
        """rks, D1s weights, hh, h_phi_1, B_h and (R, b) as in multistep_uni_{p,c}_bh_update (predict_x0)."""
        h = self.lambda_t[t] - self.lambda_t[s0]
        rks = []
        for i in range(1, order):
            rks.append((self.lambda_t[self.timestep_list[-(i + 1)]] - self.lambda_t[s0]) / h)
        rks.append(1.0)
        rks = np.array(rks)
        hh = -h
        h_phi_1 = math.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1
        factorial_i = 1
        b_h = math.expm1(hh)  # bh2
        big_r, b = [], []
        for i in range(1, order + 1):
            big_r.append(rks ** (i - 1))
            b.append(h_phi_k * factorial_i / b_h)
            factorial_i *= i + 1
            h_phi_k = h_phi_k / hh - 1 / factorial_i
        return rks, h_phi_1, b_h, np.stack(big_r), np.array(b)

    def _d1s(self, rks, order):
        m0 = self.model_outputs[-1]
        return [(self.model_outputs[-(i + 1)] - m0) / rks[i - 1] for i in range(1, order)]

    def predictor(self, t, sample, order):
        s0 = self.timestep_list[-1]
        m0 = self.model_outputs[-1]
        rks, h_phi_1, b_h, _, _ = self._coefficients(t, s0, order)
        d1s = self._d1s(rks, order)
        x_t = self.sigma_t[t] / self.sigma_t[s0] * sample - self.alpha_t[t] * h_phi_1 * m0
        if d1s:
            x_t = x_t - self.alpha_t[t] * b_h * (0.5 * d1s[0])  # order 2: rhos_p = [0.5]
        return x_t

    def corrector(self, model_t, t, last_sample, order):
        s0 = self.timestep_list[-1]
        m0 = self.model_outputs[-1]
        rks, h_phi_1, b_h, big_r, b = self._coefficients(t, s0, order)
        d1s = self._d1s(rks, order)
        rhos_c = np.array([0.5]) if order == 1 else np.linalg.solve(big_r, b)
        x_t = self.sigma_t[t] / self.sigma_t[s0] * last_sample - self.alpha_t[t] * h_phi_1 * m0
        corr = sum(rho * d for rho, d in zip(rhos_c[:-1], d1s)) if d1s else 0
        return x_t - self.alpha_t[t] * b_h * (corr + rhos_c[-1] * (model_t - m0))

    def step(self, model_output, index, sample):
        t = int(self.timesteps[index])
        converted = self.convert(model_output, t, sample)
        if index > 0 and self.last_sample is not None:
            sample = self.corrector(converted, t, self.last_sample, self.this_order)
        prev_t = 0 if index == len(self.timesteps) - 1 else int(self.timesteps[index + 1])
        self.model_outputs = [self.model_outputs[1], converted]
        self.timestep_list = [self.timestep_list[1], t]
        this_order = min(self.order, len(self.timesteps) - index)  # lower_order_final
        self.this_order = min(this_order, self.lower_order_nums + 1)
        self.last_sample = sample
        prev = self.predictor(prev_t, sample, self.this_order)
        if self.lower_order_nums < self.order:
            self.lower_order_nums += 1
        return prev


def run_unipc_case(alphas, noise0, prediction, steps):
    sched = UniPC(alphas, prediction, steps)
    x = noise0 * 1.0
    x_start = x
    traj = []
    for i, t in enumerate(sched.timesteps):
        x = sched.step(fake_model(x, float(t)), i, x)
        traj.append(x)
    return {
        "timesteps": sched.timesteps.astype(np.float64),
        "init_noise_sigma": np.array([1.0]),
        "x0": x_start,
        "trajectory": np.stack(traj),
        "step_noise": None,
    }


# ---------------------------------------------------------------- few-step samplers

class LcmA1111Denoiser(Denoiser):
    """A1111's LCMCompVisDenoiser (modules/sd_samplers_lcm.py): the 50 distilled noise levels 19, 39, ..., 999,
    timesteps quantized to the nearest of them, LCM's boundary condition on the denoised estimate."""

    def __init__(self, alphas_cumprod, original_steps=50):
        super().__init__(alphas_cumprod, "epsilon")
        train = len(alphas_cumprod)
        self.skip = train // original_steps
        valid = np.array([alphas_cumprod[train - 1 - (original_steps - 1 - i) * self.skip] for i in range(original_steps)])
        self.sigmas = np.sqrt((1 - valid) / valid).astype(np.float32).astype(np.float64)
        self.log_sigmas = np.log(self.sigmas)

    def sigma_to_t(self, sigma):
        return int(np.abs(math.log(sigma) - self.log_sigmas).argmin()) * self.skip + (self.skip - 1)

    def t_to_sigma(self, t):
        t = min(max((t - (self.skip - 1)) / self.skip, 0), len(self.sigmas) - 1)
        return super().t_to_sigma(t)

    def get_sigmas(self, n):
        t = np.linspace(self.sigma_to_t(self.sigmas[-1]), self.sigma_to_t(self.sigmas[0]), n)
        return np.append([self.t_to_sigma(v) for v in t], 0.0)

    def __call__(self, x, sigma):
        t = self.sigma_to_t(sigma)
        self.calls.append((sigma, t))
        c_in = 1 / math.sqrt(sigma ** 2 + 1)
        denoised = x - sigma * fake_model(x * c_in, t)
        scaled = t * 10.0
        c_skip = 0.25 / (scaled ** 2 + 0.25)
        c_out = scaled / (scaled ** 2 + 0.25) ** 0.5
        return c_out * denoised + c_skip * x


def sample_lcm(model, x, sigmas, traj, noise):
    for i in range(len(sigmas) - 1):
        x = model(x, sigmas[i])
        if sigmas[i + 1] > 0:
            x = x + sigmas[i + 1] * noise(sigmas[i], sigmas[i + 1])
        traj.append(x)
    return x


def run_lcm_a1111_case(alphas, noise0, steps):
    model = LcmA1111Denoiser(alphas)
    sigmas = model.get_sigmas(steps)
    x = noise0 * sigmas[0]
    traj = []
    noise = Noise(noise0.shape)
    sample_lcm(model, x, sigmas, traj, noise)
    return {
        "timesteps": np.array([float(t) for _, t in model.calls]),
        "call_sigmas": np.array([s for s, _ in model.calls]),
        "sigmas": sigmas,
        "init_noise_sigma": np.array([sigmas[0]]),
        "x0": x,
        "trajectory": np.stack(traj),
        "step_noise": np.stack(noise.drawn),
    }


def lcm_diffusers_timesteps(steps, train=1000, original_steps=50):
    """diffusers LCMScheduler.set_timesteps(steps) (strength 1)."""
    k = train // original_steps
    origin = (np.arange(1, original_steps + 1) * k - 1)[::-1]
    indices = np.floor(np.linspace(0, len(origin), num=steps, endpoint=False)).astype(np.int64)
    return origin[indices]


def run_lcm_diffusers_case(alphas, noise0, prediction, steps):
    """diffusers LCMScheduler.step (defaults: timestep_scaling 10, no clipping), as float64."""
    a = alphas.astype(np.float32).astype(np.float64)
    timesteps = lcm_diffusers_timesteps(steps)
    x = noise0 * 1.0
    x_start = x
    traj = []
    noise = Noise(noise0.shape)
    for i, t in enumerate(timesteps):
        out = fake_model(x, float(t))
        alpha, beta = a[t], 1 - a[t]
        if prediction == "epsilon":
            x0 = (x - math.sqrt(beta) * out) / math.sqrt(alpha)
        else:
            x0 = math.sqrt(alpha) * x - math.sqrt(beta) * out
        scaled = float(t) * 10.0
        c_skip = 0.25 / (scaled ** 2 + 0.25)
        c_out = scaled / (scaled ** 2 + 0.25) ** 0.5
        denoised = c_out * x0 + c_skip * x
        if i == len(timesteps) - 1:
            x = denoised
        else:
            prev = a[timesteps[i + 1]]
            x = math.sqrt(prev) * denoised + math.sqrt(1 - prev) * noise()
        traj.append(x)
    return {
        "timesteps": timesteps.astype(np.float64),
        "init_noise_sigma": np.array([1.0]),
        "x0": x_start,
        "trajectory": np.stack(traj),
        "step_noise": np.stack(noise.drawn),
    }


def run_diffusers_euler_case(alphas, noise0, ancestral, prediction, steps, train=1000):
    """diffusers Euler(Ancestral)DiscreteScheduler with timestep_spacing "trailing": float32 timesteps
    round(arange(train, 0, -train / steps)) - 1, float32 sigmas interpolated there, start noise sigma_max, the
    model called at the timestep on x / sqrt(sigma^2 + 1); Euler a draws noise at every step (the last one too)."""
    training = np.sqrt((1 - alphas) / alphas).astype(np.float32)
    timesteps = (np.arange(train, 0, -train / steps).round() - 1).astype(np.float32).astype(np.float64)
    sigmas = np.append(np.interp(timesteps, np.arange(train), training).astype(np.float32), 0.0).astype(np.float64)
    x = noise0 * sigmas.max()
    x_start = x
    traj = []
    noise = Noise(noise0.shape)
    for i, t in enumerate(timesteps):
        s = sigmas[i]
        out = fake_model(x / math.sqrt(s ** 2 + 1), t)
        if prediction == "epsilon":
            x0 = x - s * out
        else:
            x0 = out * (-s / math.sqrt(s ** 2 + 1)) + x / (s ** 2 + 1)
        d = (x - x0) / s
        if ancestral:
            to = sigmas[i + 1]
            up = math.sqrt(to ** 2 * (s ** 2 - to ** 2) / s ** 2)
            down = math.sqrt(to ** 2 - up ** 2)
            x = x + d * (down - s) + noise() * up
        else:
            x = x + d * (sigmas[i + 1] - s)
        traj.append(x)
    return {
        "timesteps": timesteps,
        "sigmas": sigmas,
        "init_noise_sigma": np.array([sigmas.max()]),
        "x0": x_start,
        "trajectory": np.stack(traj),
        "step_noise": np.stack(noise.drawn) if noise.drawn else None,
    }


FEW_STEP_BASES = ("lcm_a1111", "lcm_diffusers", "euler_diffusers", "euler_a_diffusers")

# ---------------------------------------------------------------- cases

CASES = [
    # (case name, sampler id in sdbot, base sampler, karras, prediction)
    ("heun", "heun", "heun", False, "epsilon"),
    ("heun_karras", "heun_karras", "heun", True, "epsilon"),
    ("dpm2", "dpm2", "dpm2", False, "epsilon"),
    ("dpm2_karras", "dpm2_karras", "dpm2", True, "epsilon"),
    ("dpmpp_sde", "dpmpp_sde", "dpmpp_sde", False, "epsilon"),
    ("dpmpp_sde_karras", "dpmpp_sde_karras", "dpmpp_sde", True, "epsilon"),
    ("dpmpp_2m_sde", "dpmpp_2m_sde", "dpmpp_2m_sde", False, "epsilon"),
    ("dpmpp_2m_sde_karras", "dpmpp_2m_sde_karras", "dpmpp_2m_sde", True, "epsilon"),
    # A1111's "Euler", "Euler a", "LMS", "DPM++ 2M": k-diffusion on the model's uniform schedule
    ("euler", "euler", "euler", False, "epsilon"),
    ("euler_a", "euler_a", "euler_a", False, "epsilon"),
    ("lms", "lms", "lms", False, "epsilon"),
    ("dpmpp_2m", "dpmpp_2m", "dpmpp_2m", False, "epsilon"),
    ("euler_a_v", "euler_a", "euler_a", False, "v_prediction"),
    ("euler_karras", "euler_karras", "euler", True, "epsilon"),
    ("euler_a_karras", "euler_a_karras", "euler_a", True, "epsilon"),
    ("lms_karras", "lms_karras", "lms", True, "epsilon"),
    ("dpmpp_2m_karras", "dpmpp_2m_karras", "dpmpp_2m", True, "epsilon"),
    ("dpmpp_2m_karras_v", "dpmpp_2m_karras", "dpmpp_2m", True, "v_prediction"),
    ("heun_v", "heun", "heun", False, "v_prediction"),
    ("unipc", "unipc", "unipc", False, "epsilon"),
    ("unipc_v", "unipc", "unipc", False, "v_prediction"),
    ("euler_sgm_uniform", "euler_sgm_uniform", "euler", "sgm_uniform", "epsilon"),
    ("euler_a_sgm_uniform", "euler_a_sgm_uniform", "euler_a", "sgm_uniform", "epsilon"),
    ("euler_a_sgm_uniform_v", "euler_a_sgm_uniform", "euler_a", "sgm_uniform", "v_prediction"),
    ("lcm", "lcm", "lcm_a1111", False, "epsilon"),
    ("lcm_diffusers", "lcm_diffusers", "lcm_diffusers", False, "epsilon"),
    ("lcm_diffusers_v", "lcm_diffusers", "lcm_diffusers", False, "v_prediction"),
    # diffusers' EulerDiscreteScheduler / EulerAncestralDiscreteScheduler on a scheduler config with
    # timestep_spacing "trailing" (SD-Turbo's): sdbot's diffusers Euler variants follow the model's config
    ("euler_trailing", "euler_diffusers", "euler_diffusers", "trailing", "epsilon"),
    ("euler_a_trailing", "euler_a_diffusers", "euler_a_diffusers", "trailing", "epsilon"),
]

FEW_STEPS = 4  # LCM and trailing cases: few-step models run 1-8 steps


def make_all(alphas, noise0, steps=STEPS):
    out = {}
    for name, _, base, karras, prediction in CASES:
        if base == "lcm_a1111":
            out[name] = run_lcm_a1111_case(alphas, noise0, FEW_STEPS)
        elif base == "lcm_diffusers":
            out[name] = run_lcm_diffusers_case(alphas, noise0, prediction, FEW_STEPS)
        elif base in ("euler_diffusers", "euler_a_diffusers"):
            out[name] = run_diffusers_euler_case(alphas, noise0, base == "euler_a_diffusers", prediction, FEW_STEPS)
        elif base == "unipc":
            out[name] = run_unipc_case(alphas, noise0, prediction, steps)
        else:
            out[name] = run_k_case(alphas, noise0, base, karras, prediction, steps)
    return out


# ---------------------------------------------------------------- optional cross-check against the real libraries

def check_against_k_diffusion(path, alphas, noise0, results):
    import types
    import torch
    import importlib
    # import only sampling.py and external.py: the package __init__ pulls in training code (skimage, PIL,
    # torchvision...), and these samplers need nothing of it but utils.append_dims
    package = types.ModuleType("k_diffusion")
    package.__path__ = [f"{path}/k_diffusion"]
    sys.modules["k_diffusion"] = package
    utils = types.ModuleType("k_diffusion.utils")
    utils.append_dims = lambda x, n: x[(...,) + (None,) * (n - x.ndim)]
    sys.modules["k_diffusion.utils"] = utils
    package.utils = utils
    try:
        import scipy.integrate  # noqa: F401 (LMS integrates with quad)
    except ImportError:  # a 4-point Gauss-Legendre rule is exact for LMS's polynomials of degree <= 3
        scipy = types.ModuleType("scipy")
        scipy.integrate = types.ModuleType("scipy.integrate")

        def quad(f, a, b, epsrel=None):
            nodes, weights = np.polynomial.legendre.leggauss(4)
            return sum(w * f((b - a) / 2 * x + (a + b) / 2) for x, w in zip(nodes, weights)) * (b - a) / 2, 0.0
        scipy.integrate.quad = quad
        sys.modules["scipy"] = scipy
        sys.modules["scipy.integrate"] = scipy.integrate
    for stub in ("torchdiffeq", "torchsde", "tqdm", "tqdm.auto"):  # imported by sampling.py, unused here
        m = types.ModuleType(stub)
        m.odeint = m.BrownianTree = None
        m.trange = lambda n, disable=None: range(n)
        m.tqdm = None
        sys.modules[stub] = m
    sampling = importlib.import_module("k_diffusion.sampling")
    external = importlib.import_module("k_diffusion.external")

    class Inner:
        def __init__(self):
            self.alphas_cumprod = torch.tensor(alphas, dtype=torch.float64)

        def apply_model(self, x, t, cond=None):
            return torch.from_numpy(fake_model(x.numpy(), float(t.reshape(-1)[0])))

    worst = 0.0
    for name, _, base, karras, prediction in CASES:
        if base not in K_SAMPLERS:
            continue
        wrapper = (external.CompVisVDenoiser if prediction == "v_prediction" else external.CompVisDenoiser)(Inner())
        wrapper.sigmas = torch.tensor(Denoiser(alphas, prediction).sigmas)
        wrapper.log_sigmas = wrapper.sigmas.log()
        sigmas = torch.tensor(results[name]["sigmas"])
        queue = list(results[name]["step_noise"]) if results[name]["step_noise"] is not None else []

        def noise_sampler(sigma, sigma_next):
            return torch.from_numpy(queue.pop(0))

        fn = {"euler": sampling.sample_euler, "euler_a": sampling.sample_euler_ancestral,
              "heun": sampling.sample_heun, "dpm2": sampling.sample_dpm_2, "lms": sampling.sample_lms,
              "dpmpp_2m": sampling.sample_dpmpp_2m, "dpmpp_sde": sampling.sample_dpmpp_sde,
              "dpmpp_2m_sde": sampling.sample_dpmpp_2m_sde}[base]
        kwargs = {"noise_sampler": noise_sampler} if base in ("euler_a", "dpmpp_sde", "dpmpp_2m_sde") else {}
        x = torch.from_numpy(results[name]["x0"].copy())
        final = fn(wrapper, x, sigmas, extra_args={"cond": None}, disable=True, **kwargs)
        expected = results[name]["trajectory"][-1]
        err = float(np.linalg.norm(final.numpy() - expected) / np.linalg.norm(expected))
        # the schedule itself: the real get_sigmas / get_sigmas_karras (their float32 linspace)
        ref_sigmas = results[name]["sigmas"]
        steps = STEPS + 1 if base == "dpm2" else STEPS
        if karras == "sgm_uniform":  # A1111's sd_schedulers.sgm_uniform on the real wrapper, float32 as there
            start = wrapper.sigma_to_t(wrapper.sigmas[-1].float())
            end = wrapper.sigma_to_t(wrapper.sigmas[0].float())
            real = torch.tensor([float(wrapper.t_to_sigma(t)) for t in torch.linspace(start, end, steps + 1)[:-1]] + [0.0])
        elif karras:
            real = sampling.get_sigmas_karras(steps, float(wrapper.sigmas[0]), float(wrapper.sigmas[-1]))
        else:
            real = wrapper.get_sigmas(steps)
        real = real.double().numpy()
        if base == "dpm2":
            real = np.concatenate([real[:-2], real[-1:]])
        sig_err = float(np.max(np.abs(real - ref_sigmas) / np.maximum(ref_sigmas, 1e-12)))
        print(f"k-diffusion {name}: final rel {err:.2e}, sigmas rel (float32 ramp) {sig_err:.2e}")
        worst = max(worst, err)
    return worst


def check_against_diffusers(path, alphas, noise0, results):
    import importlib.util
    import types
    import torch
    # load the single scheduler module with minimal stand-ins for diffusers' config machinery
    pkg = types.ModuleType("diffusers_stub")
    src = open(f"{path}/src/diffusers/schedulers/scheduling_unipc_multistep.py").read()
    src = src.replace("from ..configuration_utils import ConfigMixin, register_to_config", "")
    src = src.replace("from .scheduling_utils import KarrasDiffusionSchedulers, SchedulerMixin, SchedulerOutput", "")
    ns = {}

    class Config(dict):
        __getattr__ = dict.__getitem__

    def register_to_config(init):
        def wrapped(self, **kw):
            import inspect
            params = {k: v.default for k, v in inspect.signature(init).parameters.items() if k != "self"}
            params.update(kw)
            self.config = Config(params)
            self.register_to_config = lambda **more: self.config.update(more)
            init(self, **params)
        return wrapped

    class SchedulerOutput:
        def __init__(self, prev_sample):
            self.prev_sample = prev_sample

    ns.update(ConfigMixin=type("ConfigMixin", (), {}), SchedulerMixin=type("SchedulerMixin", (), {}), register_to_config=register_to_config,
              KarrasDiffusionSchedulers=[], SchedulerOutput=SchedulerOutput, __name__="unipc_ref")
    exec(compile(src, "scheduling_unipc_multistep.py", "exec"), ns)
    worst = 0.0
    for name, _, base, _, prediction in CASES:
        if base != "unipc":
            continue
        s = ns["UniPCMultistepScheduler"](beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                          prediction_type=prediction, steps_offset=1)
        s.set_timesteps(STEPS)
        x = torch.from_numpy(results[name]["x0"].astype(np.float32))
        for t in s.timesteps:
            x = s.step(torch.from_numpy(fake_model(x.numpy(), float(t)).astype(np.float32)), t, x).prev_sample
        expected = results[name]["trajectory"][-1]
        err = float(np.linalg.norm(x.double().numpy() - expected) / np.linalg.norm(expected))
        print(f"diffusers 0.21.4 UniPC {name} (float32): final rel {err:.2e}")
        worst = max(worst, err)
    return worst


def load_new_diffusers_scheduler(path, module, cls, noise_queue):
    """One scheduler class of a newer diffusers checkout (LCMScheduler arrived in 0.22), its package imports replaced
    by minimal stand-ins and randn_tensor by the case's noise queue."""
    import inspect
    import logging
    import torch
    src = open(f"{path}/src/diffusers/schedulers/{module}.py").read()
    src = "\n".join(line for line in src.splitlines() if not line.startswith("from ."))

    class Config(dict):
        __getattr__ = dict.__getitem__

    def register_to_config(init):
        def wrapped(self, **kw):
            params = {k: v.default for k, v in inspect.signature(init).parameters.items() if k != "self"}
            params.update(kw)
            self.config = Config(params)
            self.register_to_config = lambda **more: self.config.update(more)
            init(self, **params)
        return wrapped

    def randn_tensor(shape, generator=None, device=None, dtype=None, **_):
        return torch.from_numpy(noise_queue.pop(0).astype(np.float32)).reshape(shape).to(dtype)

    logging_stub = type("logging", (), {"get_logger": staticmethod(logging.getLogger)})
    ns = {"ConfigMixin": type("ConfigMixin", (), {}), "SchedulerMixin": type("SchedulerMixin", (), {}),
          "register_to_config": register_to_config, "KarrasDiffusionSchedulers": [], "BaseOutput": object,
          "logging": logging_stub, "randn_tensor": randn_tensor, "is_scipy_available": lambda: False,
          "__name__": module}
    exec(compile(src, f"{module}.py", "exec"), ns)
    return ns[cls]


def check_against_new_diffusers(path, results):
    """LCMScheduler and Euler(Ancestral)DiscreteScheduler (trailing) of a newer diffusers, in float32."""
    import torch
    classes = {"lcm_diffusers": ("scheduling_lcm", "LCMScheduler"),
               "euler_diffusers": ("scheduling_euler_discrete", "EulerDiscreteScheduler"),
               "euler_a_diffusers": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler")}
    worst = 0.0
    for name, _, base, karras, prediction in CASES:
        if base not in classes:
            continue
        r = results[name]
        queue = list(r["step_noise"]) if r["step_noise"] is not None else []
        cls = load_new_diffusers_scheduler(path, *classes[base], queue)
        kwargs = {"timestep_spacing": "trailing"} if karras == "trailing" else {}
        s = cls(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", prediction_type=prediction,
                steps_offset=1, **kwargs)
        s.set_timesteps(FEW_STEPS)
        t_err = float(np.max(np.abs(s.timesteps.double().numpy() - r["timesteps"])))
        x = torch.from_numpy(r["x0"].astype(np.float32))
        for t in s.timesteps:
            model_input = s.scale_model_input(x, t)
            out = torch.from_numpy(fake_model(model_input.numpy().astype(np.float64), float(t)).astype(np.float32))
            x = s.step(out, t, x).prev_sample
        expected = r["trajectory"][-1]
        err = float(np.linalg.norm(x.double().numpy() - expected) / np.linalg.norm(expected))
        print(f"diffusers {cls.__name__} {name} (float32): final rel {err:.2e}, timesteps max diff {t_err}, "
              f"noise left {len(queue)}")
        assert t_err == 0 and not queue, name
        worst = max(worst, err)
    return worst


def main(argv):
    fixture, out = argv[0], argv[1]
    ref = read_safetensors(fixture)
    alphas = ref["sched.alphas_cumprod"].astype(np.float64)
    noise0 = ref["sched.ddim.10.x0"].astype(np.float64)
    results = make_all(alphas, noise0)
    tensors = {}
    cases = {}
    for name, sampler_id, base, karras, prediction in CASES:
        config = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                  "beta_schedule": "scaled_linear", "prediction_type": prediction, "steps_offset": 1}
        if karras == "trailing":
            config["timestep_spacing"] = "trailing"
        steps = FEW_STEPS if base in FEW_STEP_BASES else STEPS
        cases[name] = {"sampler": sampler_id, "steps": steps, "config": config}
        for key, value in results[name].items():
            if value is not None:
                tensors[f"ref.{name}.{key}"] = value
    write_safetensors(out, tensors, {"cases": json.dumps(cases), "source": "make_refs.py"})
    print(f"wrote {len(tensors)} tensors for {len(cases)} cases to {out}")
    if "--check-k-diffusion" in argv:
        worst = check_against_k_diffusion(argv[argv.index("--check-k-diffusion") + 1], alphas, noise0, results)
        assert worst < 1e-9, worst
    if "--check-new-diffusers" in argv:
        worst = check_against_new_diffusers(argv[argv.index("--check-new-diffusers") + 1], results)
        assert worst < 1e-5, worst
    if "--check-diffusers" in argv:
        worst = check_against_diffusers(argv[argv.index("--check-diffusers") + 1], alphas, noise0, results)
        assert worst < 1e-5, worst  # diffusers' scheduler runs in float32


if __name__ == "__main__":
    main(sys.argv[1:])
