"""Pinyin for search: initials (``营业执照`` → ``yyzz``), full pinyin and mixtures (``yingyezz``).

``initials`` is what ``Item.name_initials`` stores. ``syllables`` gives one toneless syllable per character (letters
and digits kept one per character, punctuation dropped), aligned with ``initials``. ``match`` says whether a typed
ASCII query spells a run of consecutive characters, each syllable typed in full or by its initial, the last one
possibly cut short as in an input method (``yyzz``, ``yingyezhizhao``, ``yingyezz``, ``yyzhizh`` all spell 营业执照;
``dibao`` does not spell 点保). ``initials_candidates`` gives the initials a
match can have, for a database pre-filter on ``name_initials``.
"""

from __future__ import annotations

from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

# The toneless syllables of Mandarin (from pypinyin's dictionary; interjections m, n, ng, hm, hng left out).
_SYLLABLE_TEXT = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai can cang cao
ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun
chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die din ding diu dong
dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen
geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan
huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken
keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie
lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming
miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun
nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie
qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang
sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo
si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun
tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao
zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_PREFIXES = frozenset(s[:k] for s in SYLLABLES for k in range(1, len(s) + 1))
_MAX_QUERY = 40


def _keep(parts: list[str]) -> list[str]:
    out = []
    for part in parts:
        if part.isascii() and part.isalpha() and len(part) > 1:
            out.append(part.lower())  # a syllable
            continue
        out.extend(ch.lower() for ch in part if ch.isascii() and ch.isalnum())
    return out


@lru_cache(maxsize=20000)
def initials(text: str) -> str:
    parts = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda chunk: list(chunk))
    out = []
    for part in parts:
        for ch in part:
            if ch.isascii() and ch.isalnum():
                out.append(ch.lower())
    return "".join(out)[:200]


@lru_cache(maxsize=20000)
def syllables(text: str) -> tuple[str, ...]:
    """One lower-case toneless syllable per Han character; other letters and digits one per character."""
    parts = lazy_pinyin(text or "", style=Style.NORMAL, errors=lambda chunk: list(chunk))
    return tuple(_keep(parts))


def normalise(query: str) -> str:
    """The letters and digits of an ASCII query, lower-case (``"Ying Ye"`` → ``yingye``); "" if not ASCII."""
    query = (query or "").strip()
    if not query or not query.isascii():
        return ""
    return "".join(ch for ch in query.lower() if ch.isalnum())[:_MAX_QUERY]


_INITIALS = frozenset({"zh", "ch", "sh"})


def _whole_or_initial(chunk: str, syl: str) -> bool:
    """Inside a query a syllable is typed in full or by its initial (``y``, ``zh``); only the last may be cut short."""
    return chunk == syl or len(chunk) == 1 or chunk in _INITIALS


def _spells_from(query: str, sylls: tuple[str, ...], start: int) -> bool:
    @cache
    def go(i: int, j: int) -> bool:
        if i == len(query):
            return True
        if j == len(sylls):
            return False
        syl = sylls[j]
        for k in range(len(syl), 0, -1):
            chunk = query[i : i + k]
            if chunk == syl[:k] and (_whole_or_initial(chunk, syl) or i + k == len(query)) and go(i + k, j + 1):
                return True
        return False

    return go(0, start)


def match(query: str, text: str) -> int | None:
    """The index of the first character from which ``query`` (normalised ASCII) spells ``text``'s pinyin, or None."""
    query = normalise(query)
    if not query:
        return None
    sylls = syllables(text)
    if len(query) < 2 or query[0] not in initials(text):
        return None
    for start in range(len(sylls)):
        if sylls[start][:1] == query[:1] and _spells_from(query, sylls, start):
            return start
    return None


def initials_candidates(query: str, limit: int = 12) -> list[str]:
    """The initials a text matched by ``query`` can have, shortest first (``yingyezz`` → ``yyzz`` …).

    Each chunk of the query is a whole syllable, an initial (a letter, zh, ch, sh) or a digit; the last chunk may be
    any beginning of a syllable. At most ``limit`` distinct strings.
    """
    query = normalise(query)
    if len(query) < 2:
        return []

    @cache
    def splits(i: int) -> tuple[str, ...]:
        if i == len(query):
            return ("",)
        out: list[str] = []
        for k in range(min(6, len(query) - i), 0, -1):
            chunk = query[i : i + k]
            last = i + k == len(query)
            if (chunk in SYLLABLES or chunk in _INITIALS or k == 1) or (last and chunk in _PREFIXES):
                out.extend(chunk[0] + rest for rest in splits(i + k))
                if len(out) > 200:
                    break
        return tuple(dict.fromkeys(out))

    return sorted(splits(0), key=len)[:limit]
