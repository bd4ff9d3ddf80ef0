"""Jupyter's own kernel conformance suite (jupyter_kernel_test, Debian python3-jupyter-kernel-test)
run against the paramlab kernel, with every optional sample filled in.

Run by test/kernel/kernel_test_suite.test.ts with private Jupyter directories holding the
kernelspec named by PARAMLAB_KERNEL_NAME; by hand:
    PARAMLAB_KERNEL_NAME=paramlab /usr/bin/python3 test/kernel/kernel_test_suite.py -v
"""

import os
import unittest

import jupyter_kernel_test


class ParamlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("PARAMLAB_KERNEL_NAME", "paramlab")

    # kernel_info
    language_name = "typescript"
    file_extension = ".ts"

    # stdout / stderr
    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    # complete_request: the matches must be exactly these
    completion_samples = [
        {"text": "manualSe", "matches": {"manualSeed"}},
        {"text": "optim.lr_scheduler.CosineAnnealingW", "matches": {"CosineAnnealingWarmRestarts"}},
        {"text": "optim.RMSp", "matches": {"RMSprop"}},
    ]

    # is_complete_request
    complete_code_samples = ["1 + 1", "const answer = 42;", "function f() {\n  return 1;\n}", "new optim.SGD([], { lr: 0.1 })"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "new optim.Adam(", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["1 +* 2", "let 1x = 2;", "const = 5;", ")"]

    # inspect_request (cursor at the end of the code)
    code_inspect_sample = "zeros"

    # a pager payload: IPython's `name?`
    code_page_something = "optim.Adam?"

    # error output
    code_generate_error = 'throw new Error("boom")'

    # execute_result: strings are shown quoted, as Node's REPL does
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": '"42"', "result": "'42'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "new nn.Linear(2, 3)", "mime": "text/html"},
    ]

    # display_data
    code_display_data = [
        {"code": 'display("plain text")', "mime": "text/plain"},
        {"code": "display(new nn.Linear(2, 3))", "mime": "text/html"},
        {"code": "display(optim.lr_scheduler.simulate(new optim.SGD(new nn.Linear(1, 1).parameters(), { lr: 0.1 }), (o) => new optim.lr_scheduler.StepLR(o, { step_size: 2 }), { steps: 6 }))", "mime": "application/vnd.vegalite.v5+json"},
    ]

    # history_request
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    # clear_output
    code_clear_output = 'console.log("soon gone");\nclearOutput()'


if __name__ == "__main__":
    unittest.main()
