"""Sentences of real abstracts (fixture id + the sentence as HF lists it) with the Chinese a
professional translator writes: magnitudes in 万/亿, 3D as 三维, Stage 1 as 第一阶段 …

The English is checked against the fixture by the tests, so every case is real input; the
Chinese follows the seed newsletter's own renderings (20.95万篇, 150万页, 13亿单词, 三维).
"""

CASES: list[tuple[str, str, str]] = [
    ("2603.04338", "Synthesizing physically plausible articulated human-object interactions (HOI) without 3D/4D "
     "supervision remains a fundamental challenge.",
     "在没有三维/四维监督的情况下合成物理上合理的铰接式人-物交互（HOI）仍是一项根本性挑战。"),
    ("2603.04338", "This reconstruction-based approach treats the generated 2D video as supervision for an inverse "
     "rendering problem, recovering geometrically consistent and physically plausible 4D scenes that naturally "
     "respect contact, articulation, and temporal coherence.",
     "这种基于重建的方法将生成的二维视频作为逆渲染问题的监督信号，恢复出几何一致且物理合理的四维场景，自然地满足接触、关节连接与时间连贯性。"),
    ("2409.11402", "Furthermore, we introduce a 1-D tile-tagging design for tile-based dynamic high-resolution images, "
     "which significantly boosts performance on multimodal reasoning and OCR-related tasks.",
     "此外，我们为基于图块的动态高分辨率图像引入了一维图块标记设计，显著提升了多模态推理和OCR相关任务的性能。"),
    ("2603.27048", "In Stage 1, we pretrain a vision-only slide encoder on 77,134 public slide feature grids using "
     "masked self-distillation.",
     "在第一阶段，我们利用掩码自蒸馏，在77,134个公开切片特征网格上预训练一个纯视觉切片编码器。"),
    ("2606.01336", "We further design a two-stage fine-tuning recipe for the compressor: Stage 1 builds a general "
     "retrieval foundation from NIAH-style data, and Stage 2 extends it with multi-hop and reasoning data for broader "
     "long-context task coverage.",
     "我们进一步为压缩器设计了两阶段微调方案：第一阶段基于NIAH式数据构建通用检索基础，第二阶段再利用多跳与推理数据加以扩展，以覆盖更广泛的长上下文任务。"),
    ("2501.08313", "To maximize computational capacity, we integrate it with Mixture of Experts (MoE), creating a model "
     "with 32 experts and 456 billion total parameters, of which 45.9 billion are activated for each token.",
     "为最大化计算能力，我们将其与混合专家（MoE）相结合，构建了一个拥有32个专家、总参数量4560亿的模型，其中每个词元激活459亿参数。"),
    ("2604.12374", "We describe the pre-training, post-training, and quantization of Nemotron 3 Super, a 120 billion "
     "(active 12 billion) parameter hybrid Mamba-Attention Mixture-of-Experts model.",
     "我们介绍了Nemotron 3 Super的预训练、后训练与量化过程，这是一个总参数1200亿（激活参数120亿）的Mamba-注意力混合专家模型。"),
    ("2603.28224", "Ghost-FWL comprises 24K frames across 10 diverse scenes with 7.5 billion peak-level annotations, "
     "which is 100x larger than existing annotated FWL datasets.",
     "Ghost-FWL包含10个不同场景中的2.4万帧，带有75亿个峰值级标注，规模是现有FWL标注数据集的100倍。"),
    ("2603.05312", "With this framework, we curate UltraDexGrasp-20M, a large-scale, multi-strategy grasp dataset "
     "comprising 20 million frames across 1,000 objects.",
     "借助该框架，我们构建了UltraDexGrasp-20M，这是一个大规模、多策略的抓取数据集，包含覆盖1000个物体的2000万帧。"),
    ("2603.08655", "Treasury Bulletins spanning nearly 100 years, comprising 89,000 pages and over 26 million "
     "numerical values.",
     "跨越近100年的美国财政部公报，共8.9万页、超过2600万个数值。"),
    ("2603.13023", "With 891K spent on environment construction and an additional 576K on trajectory sampling and "
     "difficulty-aware curation, the entire project represents a total investment of approximately $1.47 million, "
     "yielding about 13,000 curated trajectories from roughly 9,000 quality guaranteed environments.",
     "环境构建花费89.1万，轨迹采样与难度感知筛选另花费57.6万，整个项目总投入约147万美元，从约9000个质量有保障的环境中得到约1.3万条精选轨迹。"),
    ("2603.07660", "Following a principled and systematic pipeline, we further construct Holi-Spatial-4M, the first "
     "large-scale, high-quality 3D semantic dataset, containing 12K optimized 3DGS scenes, 1.3M 2D masks, 320K 3D "
     "bounding boxes, 320K instance captions, 1.2M 3D grounding instances, and 1.2M spatial QA pairs spanning "
     "diverse geometric, relational, and semantic reasoning tasks.",
     "遵循一套有原则的系统化流程，我们进一步构建了Holi-Spatial-4M，这是首个大规模、高质量的三维语义数据集，包含1.2万个优化后的3DGS场景、"
     "130万个二维掩码、32万个三维边界框、32万条实例描述、120万个三维定位实例以及120万个空间问答对，涵盖多样的几何、关系与语义推理任务。"),
    ("2501.09747", "Finally, we show that, when combined with the pi0 VLA, our method can scale to training on 10k hours "
     "of robot data and match the performance of diffusion VLAs, while reducing training time by up to 5x.",
     "最后，我们表明，与pi0 VLA结合时，该方法可扩展到在1万小时的机器人数据上训练，并达到扩散VLA的性能，同时将训练时间最多缩短至五分之一。"),
    ("2603.09827", "MA-EgoQA provides 1.7k questions unique to multiple egocentric streams, spanning five categories: "
     "social interaction, task coordination, theory-of-mind, temporal reasoning, and environmental interaction.",
     "MA-EgoQA提供了1,700个针对多路第一人称视频流的独特问题，涵盖五个类别：社交互动、任务协调、心智理论、时间推理和环境交互。"),
    ("2603.04379", "We introduce Helios, the first 14B video generation model that runs at 19.5 FPS on a single NVIDIA "
     "H100 GPU and supports minute-scale generation while matching the quality of a strong baseline.",
     "我们提出了Helios，这是首个能在单张NVIDIA H100 GPU上以19.5 FPS运行、支持分钟级生成且质量媲美强基线的140亿参数视频生成模型。"),
    ("2603.03790", "Furthermore, on Qwen2.5-7B-Instruct, SoT alone yields an average +5.7% improvement across eight "
     "diverse text-processing tasks, and fine-tuning on T2S-Bench further increases this gain to +8.6%.",
     "此外，在Qwen 2.5-7B-Instruct上，仅使用SoT即可在八项不同的文本处理任务上带来平均5.7%的提升，而在T2S-Bench上微调可进一步将增益提高到8.6%。"),
    ("2605.15871", "Pre-trained at 1B scale, these consistently outperform Llama 3.2 and Composer-found baselines.",
     "在10亿参数规模上预训练后，这些架构始终优于Llama 3.2和Composer找到的基线。"),
    ("2603.08823", "The inference engine is production-ready for streaming, achieving an RTF of 0.195 and a "
     "time-to-first-audio below 100 ms.Our code and weights are available on GitHub "
     "(https://github.com/fishaudio/fish-speech) and Hugging Face (https://huggingface.co/fishaudio/s2-pro).",
     "代码与权重见https://github.com/fishaudio/fish-speech和https://huggingface.co/fishaudio/s2-pro，推理引擎已可用于流式生产，实时率（RTF）为0.195，首音频延迟低于100毫秒。"),
]
