"""VideoCap-R1 reward functions for ms-swift GRPO (pinned: ms-swift 4.5.2; also loads on 3.x).

Loaded by `swift rlhf --external_plugins <this file> --reward_funcs videocap_format videocap_tscore ...`:
ms-swift imports the file (swift/utils/utils.py `import_external_file`), which registers the classes below in
its `orms` dict; the trainer instantiates `orms[name](args=...)` and calls `fn(completions, **kwargs)` where the
kwargs are the dataset's columns as lists plus `trainer_state` (swift/rl_core/grpo_algorithm.py
`compute_rewards_per_func`).

No scoring happens here: every call POSTs the batch to the runner's reward service
(gpu-runner/rewards/http-server.ts; env VIDEOCAP_REWARD_URL, VIDEOCAP_REWARD_TOKEN). The service scores all
configured components on the first call for a batch and records the rollouts once; the other functions'
calls for the same batch are answered from its cache.

The format reward is computed there too, with the run's rule: ms-swift passes the completion without the
prompt, so with a chat template that prefills `<think>` (Qwen3 / R1-style templates) the completion starts inside
the think. The run config's `prefilledThink: true` makes the service accept that (format 1 when the rest is right);
the plugin sends the completion unchanged either way, so the rule lives in one place (core/format.ts).

When the service cannot be reached the function returns [None] * n: ms-swift turns None into NaN, leaves it out
of `rewards/<Func>/mean` (nanmean) and of the weighted reward (nansum), and warns when every function of a
completion returned None.

Standard library only.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

try:  # ms-swift 4.x
    from swift.rewards import ORM, orms
except ImportError:  # ms-swift 3.x
    from swift.plugin import ORM, orms

PAYLOAD_COLUMNS = ('clip_id', 'reference_caption', 'reference_think', 'reference_events', 'solution')
RETRIES = 2


def _warn(message):
    print(f'[videocap_reward] WARNING: {message}', file=sys.stderr, flush=True)


def _column(kwargs, name, n):
    value = kwargs.get(name)
    if value is None:
        return None
    value = list(value)
    if len(value) != n:
        return None
    return [v if v is None or isinstance(v, (str, list)) else str(v) for v in value]


def _step(kwargs):
    """The step the completions will be logged under: ms-swift scores before the optimizer step."""
    state = kwargs.get('trainer_state')
    step = getattr(state, 'global_step', None)
    return int(step) + 1 if isinstance(step, int) else None


def _num_generations(explicit, args):
    g = explicit if explicit is not None else getattr(args, 'num_generations', None)
    if isinstance(g, int) and g > 0:
        return g
    env = os.environ.get('VIDEOCAP_NUM_GENERATIONS')
    return int(env) if env and env.isdigit() else None


def _lengths(kwargs, n):
    ids = kwargs.get('response_token_ids')
    if ids is None:
        return None
    ids = list(ids)
    if len(ids) != n:
        return None
    return [len(x) if isinstance(x, (list, tuple)) else None for x in ids]


class _VideocapReward(ORM):
    component = ''

    def __init__(self, args=None, num_generations=None, **kwargs):
        # 4.x instantiates `orms[name](args=args)`; 3.x passes the constructor's named parameters taken from
        # the training args (so `num_generations` arrives by name) and its ORM base has no __init__ arguments.
        self.args = args
        self.num_generations = num_generations if isinstance(num_generations, int) else None
        self.url = os.environ.get('VIDEOCAP_REWARD_URL', '').rstrip('/')
        self.token = os.environ.get('VIDEOCAP_REWARD_TOKEN', '')
        self.timeout = float(os.environ.get('VIDEOCAP_REWARD_TIMEOUT', '600'))
        self.retry_delay = float(os.environ.get('VIDEOCAP_REWARD_RETRY_SECONDS', '1'))
        if not self.url:
            _warn('VIDEOCAP_REWARD_URL is not set; every reward will be None')

    def __call__(self, completions, **kwargs):
        completions = [c if isinstance(c, str) else str(c) for c in completions]
        n = len(completions)
        if n == 0:
            return []
        if not self.url:
            return [None] * n
        payload = {
            'component': self.component,
            'completions': completions,
            'step': _step(kwargs),
            'num_generations': _num_generations(self.num_generations, self.args),
        }
        for name in PAYLOAD_COLUMNS:
            col = _column(kwargs, name, n)
            if col is not None:
                payload[name] = col
        lengths = _lengths(kwargs, n)
        if lengths is not None:
            payload['completion_length'] = lengths
        return self._post(payload, n)

    def _post(self, payload, n):
        body = json.dumps(payload, ensure_ascii=False).encode('utf-8')
        last_error = 'no attempt'
        for attempt in range(RETRIES + 1):
            request = urllib.request.Request(
                f'{self.url}/v1/score',
                data=body,
                method='POST',
                headers={'content-type': 'application/json', 'authorization': f'Bearer {self.token}'},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    answer = json.loads(response.read().decode('utf-8'))
                scores = answer.get('scores') if isinstance(answer, dict) else None
                if not isinstance(scores, list) or len(scores) != n:
                    last_error = f'malformed answer: {str(answer)[:200]}'
                else:
                    return [float(s) if isinstance(s, (int, float)) else None for s in scores]
            except urllib.error.HTTPError as err:
                detail = err.read().decode('utf-8', 'replace')[:500]
                last_error = f'HTTP {err.code}: {detail}'
                if 400 <= err.code < 500:
                    break  # the request itself is wrong; retrying will not help
            except (urllib.error.URLError, OSError, ValueError) as err:
                last_error = str(getattr(err, 'reason', err))
            if attempt < RETRIES:
                time.sleep(self.retry_delay * (attempt + 1))
        _warn(f'{self.component} reward for {n} completions unavailable ({last_error}); returning None')
        return [None] * n


class VideocapFormat(_VideocapReward):
    component = 'format'


class VideocapTscore(_VideocapReward):
    component = 'tscore'


class VideocapEscore(_VideocapReward):
    component = 'escore'


class VideocapCnscore(_VideocapReward):
    component = 'cnscore'


orms['videocap_format'] = VideocapFormat
orms['videocap_tscore'] = VideocapTscore
orms['videocap_escore'] = VideocapEscore
orms['videocap_cnscore'] = VideocapCnscore
