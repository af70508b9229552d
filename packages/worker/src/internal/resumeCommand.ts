/** The CLI command that resumes a job from a checkpoint, quoted for a POSIX shell. */
export function resumeCommand(profile: string, configPath: string, checkpoint: string): string {
  return [
    'trainwire',
    'train',
    '--profile',
    profile,
    '--config',
    configPath,
    '--resume',
    checkpoint,
  ]
    .map(quote)
    .join(' ');
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
