/** Shape changes: PyTorch's `F.flatten` (`torch.flatten`). */
import { RuntimeError } from "../../errors.js";
import { shapeNumel, Tensor } from "../../tensor/tensor.js";
import { checkInput } from "./_util.js";


/**
 * Merges dimensions `startDim..endDim` (negative counts from the end) into one.
 *
 * @example
 * F.flatten(zeros(2, 3, 4), 1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkInput(x, "flatten");
  const nd = Math.max(x.shape.length, 1);
  const wrap = (d: number) => {
    const r = d < 0 ? d + nd : d;
    if (!Number.isInteger(d) || r < 0 || r >= nd) {
      throw new RangeError(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${d})`);
    }
    return r;
  };
  const s = wrap(startDim);
  const e = wrap(endDim);
  if (s > e) throw new RuntimeError(`flatten() has invalid args: start_dim cannot come after end_dim`);
  if (x.shape.length === 0) return x.view(1);
  const shape = [...x.shape.slice(0, s), shapeNumel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return x.view(shape);
}
