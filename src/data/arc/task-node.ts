// Reading an ARC task file from disk (Node): size-checked, then parsed and validated by task.ts.
import { readFile, stat } from "node:fs/promises";
import { DataError } from "../../engine/errors.js";
import { ARC_MAX_FILE_BYTES, type ArcTask, parseArcTask } from "./task.js";

export async function readArcTask(file: string, name: string): Promise<ArcTask> {
  let text: string;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new DataError(`${file}: is a folder; expected an ARC task JSON file`);
    if (st.size > ARC_MAX_FILE_BYTES) throw new DataError(`${file}: ${st.size} bytes; an ARC task file is at most ${ARC_MAX_FILE_BYTES} (30x30 grids)`);
    text = await readFile(file, "utf8");
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${file}: cannot read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${file} (task ${name}): invalid JSON (${(err as Error).message})`);
  }
  return parseArcTask(json, name, file);
}
