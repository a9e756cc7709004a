"""Writes a1111-schedules.json: prompt-editing / alternation cases and the schedules A1111's own parser gives them.

Usage (Debian's python3 with python3-lark):
    python3 generate_cases.py A1111_CHECKOUT > a1111-schedules.json
A1111_CHECKOUT is a checkout of AUTOMATIC1111/stable-diffusion-webui (modules/prompt_parser.py is imported from it,
at 28bd8e142d5f77b71ae8d7d7140b5da1b3a49906 for the committed file); torch is stubbed, the schedule parser does not
use it. Each case: {"prompt", "steps", "schedule": [[end_at_step, text], ...]} and, for the hires pass,
"hires_steps" (A1111's get_learned_conditioning_prompt_schedules(prompts, steps, hires_steps)).

A1111's grammar is ambiguous where a bracket construct could also be read as literal brackets ("[a:1]:2]"), and Lark's
Earley parser then picks by set order, which follows Python's string hashing: the same prompt gives different
schedules in different A1111 processes. The cases are computed under several PYTHONHASHSEED values and only those
A1111 always answers the same way are written (the count left out goes to stderr); sdbot reads such prompts one
fixed way, the construct (see PromptSchedulesTest).
"""
import json
import os
import random
import subprocess
import sys
import types

sys.modules.setdefault("torch", types.ModuleType("torch"))
sys.path.insert(0, sys.argv[1])
from modules.prompt_parser import get_learned_conditioning_prompt_schedules  # noqa: E402

CURATED = [
    # A1111's doctests
    "test", "a [b:3]", "a [b: 3]", "a [[[b]]:2]", "[(a:2):3]", "a [b : c : 1] d", "a[b:[c:d:2]:1]e",
    "a [unbalanced", "a [b:.5] c", "a [{b|d{:.5] c", "((a][:b:c [d:3]", "[a|(b:1.1)]", "[fe|]male", "[fe|||]male",
    # the identities and the README example
    "[red:blue:100]", "[red|blue]", "[red:blue:0]", "[red:blue:1]", "[red:blue:2]", "[cat:dog:0.5]",
    "fantasy landscape with a [mountain:lake:0.25] and [an oak:a christmas tree:0.75][ in foreground::0.6]"
    "[ in background:0.25] [shoddy:masterful:0.5]",
    # the three forms, edge `when` values
    "[from:to:0.5]", "[to:0.5]", "[from::0.5]", "[from::3]", "[to:3]", "[a:b:0]", "[a:b:0.0]", "[a:b:1]",
    "[a:b:1.0]", "[a:b:1.]", "[a:b:.99]", "[a:b:0.29]", "[a:b:0.3]", "[a:b:0.7]", "[a:b:1000]", "[a:b:-1]",
    "[a:b:-0.5]", "[a:b:+2]", "[a:b:2e0]", "[a:b:5e-1]", "[a:b: 2 ]", "[a:b:\t2\n]", "[a:b:2 ]", "[a:b:2.5]",
    "[a:b:x]", "[a:b:1.2.3]", "[a:b:2:3]", "[a:b]", "[:b:1]", "[a::1]", "[::1]", "[:1]", "[a: b :1]",
    # nesting
    "[[a:b:1]:c:2]", "[a:[b:c:2]:1]", "[[a|b]:c:2]", "[a|[b:c:2]]", "[[a|b]|c]", "[a|[b|c]]", "[(x:1.2)|[y]]",
    "[a:(b:1.3):2] and (c:[d|e])", "([a:b:2])", "(a [b|c] d:1.4)", "[[a:b:1]]", "[x [a:b:1] y:z:3]",
    "[[[a:b:1]:c:2]:d:3]",
    # alternation
    "[a|b|c]", "[a|b|c|d]", "[|a]", "[a|]", "[|]", "[a||b]", "a [b|c] d [e|f|g]",
    # escapes and literals
    r"\[a:b:1\]", r"\[a|b\]", r"a \(b\) [c:d:1]", r"[a\:b:c:1]", r"[a\|b|c]", "a\\", r"[a:b\]:1]",
    "a | b", "x | [a:b:1]", "[a|b", "a]", "[a:1]:2]", "[[a:1]:2]", "(a:b:c) [d:e:1]", "[x (a:b:c) y:1]",
    "<lora:x:0.5> [a:b:1]", "[a:b:1] BREAK [c|d]", "", "   ", "[ ]", "[a:b:1][c:d:2]", "[a:b:1] [c:d:1]",
    "[日本:中国:1]", "[a:b:١]",
]

ALPHABET = ["a", "b", " ", "[", "]", "(", ")", ":", "|", "1", "2", ".5", "0.5", "\\", "x", "-1", ":1", ":2"]


def fuzz(rng, count):
    seen = set(CURATED)
    out = []
    while len(out) < count:
        p = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14)))
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def case(prompt, steps, hires_steps=None):
    schedule = get_learned_conditioning_prompt_schedules([prompt], steps, hires_steps)[0]
    c = {"prompt": prompt, "steps": steps, "schedule": [[int(t), text] for t, text in schedule]}
    if hires_steps is not None:
        c["hires_steps"] = hires_steps
    return c


def raw_cases():
    rng = random.Random(15)
    cases = []
    for prompt in CURATED:
        for steps in (1, 3, 10):
            cases.append(case(prompt, steps))
    for prompt in fuzz(rng, 800):
        cases.append(case(prompt, rng.choice((1, 2, 3, 5, 10))))
    for prompt in ("a [b:.5] c", "a [b:1.5] c", "[a:b:12]", "[a:b:3]", "[a|b]", "[a:b:0.5]", "[a:b:1.25]"):
        cases.append(case(prompt, 10, 6))
    return cases


HASH_SEEDS = range(12)


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--raw":
        json.dump(raw_cases(), sys.stdout, ensure_ascii=False)
        return
    runs = [json.loads(subprocess.run([sys.executable, __file__, sys.argv[1], "--raw"], check=True, capture_output=True,
                                      env=dict(os.environ, PYTHONHASHSEED=str(seed))).stdout) for seed in HASH_SEEDS]
    stable = [c for i, c in enumerate(runs[0]) if all(run[i] == c for run in runs)]
    sys.stderr.write("%d cases, %d left out: A1111's answer depends on PYTHONHASHSEED\n"
                     % (len(stable), len(runs[0]) - len(stable)))
    json.dump(stable, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
